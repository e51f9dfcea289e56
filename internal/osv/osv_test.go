package osv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

func TestPyPADatabase(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns", "*", "*.yaml"))
	if len(files) == 0 {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	withdrawn := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(data, f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if r.Withdrawn != "" {
			withdrawn++
		}
	}
	if len(files) != 2661 || withdrawn != 10 {
		t.Errorf("%d records, %d withdrawn; want 2661 and 10", len(files), withdrawn)
	}
}

// TestSchemaExamples reads the OSV schema's own example records: the good
// ones parse, the broken ones fail or are caught by Check.
func TestSchemaExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "osv", "osv-schema", "linter-testdata", "*.json"))
	if len(files) == 0 {
		t.Skip("OSV schema examples not present")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		_, err := Parse(data, f)
		broken := strings.HasPrefix(filepath.Base(f), "nointroduced-")
		if broken != (err != nil) {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

func TestCheck(t *testing.T) {
	bad := map[string]string{
		`{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}]}]}`:                                                "no introduced event",
		`{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1"}]}]}]}`:                             "exactly one of",
		`{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "GIT", "events": [{"introduced": "0"}]}]}]}`:                                                 "GIT range needs a repo",
		`{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1"}, {"last_affected": "0.9"}]}]}]}`: "fixed and last_affected",
		`{"modified": "x"}`: "no id",
		`id: X-1`:           "no modified",
		"\t- not: [valid":   "not YAML or JSON",
	}
	for in, want := range bad {
		if _, err := Parse([]byte(in), "rec"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.50q) = %v, want %q", in, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("id: PYSEC-1\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events: [{introduced: '0'}, {fixed: '1.0'}]\n"))
	f.Add([]byte(`{"id":"X","modified":"m","withdrawn":"w","aliases":["CVE-1"]}`))
	f.Add([]byte(`{"id":"PYSEC-1","modified":"tomorrow","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"versions":["1"]}]}`))
	f.Add([]byte(`{"id":"../../etc/passwd","modified":"2024-01-01T00:00:00Z","aliases":["../x"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data, "f")
		if (r == nil) == (err == nil) {
			t.Fatalf("record %v with error %v", r, err)
		}
	})
}

// TestIdentifiersAndTimes: an id that is huge or could act as a path, and
// a time that is not RFC 3339 ("tomorrow"), are refused.
func TestIdentifiersAndTimes(t *testing.T) {
	base := `"affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": ["1"]}]`
	for _, tt := range []struct{ doc, want string }{
		{`{"id": "PYSEC-2024-1", "modified": "tomorrow", ` + base + `}`, `modified "tomorrow" is not an RFC 3339 time`},
		{`{"id": "PYSEC-2024-1", "modified": "2024-01-01T00:00:00Z", "published": "last week", ` + base + `}`, `published "last week"`},
		{`{"id": "../../etc/passwd", "modified": "2024-01-01T00:00:00Z", ` + base + `}`, `is not an OSV identifier`},
		{`{"id": "GHSA-..-x", "modified": "2024-01-01T00:00:00Z", ` + base + `}`, `is not an OSV identifier`},
		{`{"id": "PYSEC-` + strings.Repeat("9", 5<<20) + `", "modified": "2024-01-01T00:00:00Z", ` + base + `}`, `OSV identifiers are at most 128`},
		{`{"id": "PYSEC-2024-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["../x"], ` + base + `}`, `alias "../x" is not an identifier`},
	} {
		_, err := Parse([]byte(tt.doc), "rec")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.60s: %v, want %q", tt.doc, err, tt.want)
		}
	}
	for _, id := range []string{"PYSEC-2023-74", "GHSA-9v2f-6vcg-3hgv", "SUSE-FU-2022:0444-1", "openSUSE-SU-2024:13000-1", "RUSTSEC-2020-0001", "x_vendor-42"} {
		if err := CheckID(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
