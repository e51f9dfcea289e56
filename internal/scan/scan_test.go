package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/severity"
	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

var pins = [][2]string{
	{"requests", "2.19.0"}, {"urllib3", "1.24.1"}, {"Jinja2", "2.10"}, {"PyYAML", "5.3"}, {"Pillow", "8.0.0"}, {"Django", "2.2.0"},
}

func pinned() *inventory.Inventory {
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root", Name: "app", Version: "1"}}
	for _, p := range pins {
		inv.Packages = append(inv.Packages, &inventory.Package{ID: "pypi/" + p[0], Kind: inventory.KindDistribution,
			Name: p[0], Version: p[1], PURL: "pkg:pypi/" + pep503.Normalize(p[0]) + "@" + p[1]})
	}
	return inv
}

// TestPinsAgainstPyPA: the records matched for known vulnerable pins are
// exactly those whose own versions[] enumeration lists the version (the
// osv.dev answer), and every alias group is reported once.
func TestPinsAgainstPyPA(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	dbPath := filepath.Join(t.TempDir(), "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := Scan(context.Background(), pinned(), db)
	if err != nil {
		t.Fatal(err)
	}
	// The oracle reads the YAML files directly.
	want := map[string]map[string]bool{} // package -> record IDs
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		r, err := osv.Parse(data, f)
		if err != nil || r.Withdrawn != "" {
			continue
		}
		for _, a := range r.Affected {
			for _, p := range pins {
				if pep503.Normalize(a.Package.Name) != pep503.Normalize(p[0]) {
					continue
				}
				v := pep440.MustParse(p[1])
				for _, s := range a.Versions {
					if w, err := pep440.Parse(s); err == nil && w.Compare(v) == 0 {
						if want[p[0]] == nil {
							want[p[0]] = map[string]bool{}
						}
						want[p[0]][r.ID] = true
					}
				}
			}
		}
	}
	got := map[string]map[string]bool{}
	for _, f := range res.Findings {
		if got[f.Name] == nil {
			got[f.Name] = map[string]bool{}
		}
		got[f.Name][f.ID] = true
		for _, a := range f.Aliases {
			got[f.Name][a] = true
		}
	}
	total := 0
	for pkg, ids := range want {
		for id := range ids {
			total++
			if !got[pkg][id] {
				t.Errorf("%s: %s lists the version but was not reported", pkg, id)
			}
		}
	}
	for _, f := range res.Findings {
		if !want[f.Name][f.ID] {
			t.Errorf("%s %s: %s reported but its versions[] does not list the version (%s)", f.Name, f.Version, f.ID, f.How)
		}
		if f.Advice == "" || f.Severity == "" {
			t.Errorf("%s: %s has no advice or severity", f.Name, f.ID)
		}
	}
	if total < 30 || res.Scanned != len(pins)+0 {
		t.Errorf("%d expected records, %d scanned", total, res.Scanned)
	}
	t.Logf("%d findings for %d records", len(res.Findings), total)
}

type fakeSource map[string][]*osv.Record

func (f fakeSource) Lookup(_ context.Context, _, name string) ([]*osv.Record, error) {
	return f[pep503.Normalize(name)], nil
}

func TestAliasesLabelsSeverity(t *testing.T) {
	mk := func(id string, aliases []string, sev string, events ...osv.Event) *osv.Record {
		r := &osv.Record{ID: id, Modified: "m", Aliases: aliases, Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: "PyPI", Name: "demo"},
			Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: events}}}}}
		if sev != "" {
			r.Severity = []osv.Severity{{Type: "CVSS_V3", Score: sev}}
		}
		return r
	}
	src := fakeSource{"demo": {
		mk("PYSEC-1", []string{"CVE-1"}, "", osv.Event{Introduced: "0"}, osv.Event{Fixed: "2.0"}),
		mk("GHSA-1", []string{"CVE-1"}, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", osv.Event{Introduced: "1.0"}, osv.Event{Fixed: "2.0"}),
		mk("PYSEC-2", nil, "", osv.Event{Introduced: "1.0"}),
	}}
	inv := &inventory.Inventory{
		Root: &inventory.Package{ID: "root"},
		Packages: []*inventory.Package{
			{ID: "deb/python3-demo@1.5-1", PURL: "pkg:deb/debian/python3-demo@1.5-1"},
			{ID: "pypi/demo@1.5", Kind: inventory.KindDistribution, Name: "demo", Version: "1.5", PURL: "pkg:pypi/demo@1.5"},
		},
		Relationships: []inventory.Relationship{{From: "deb/python3-demo@1.5-1", Type: inventory.Contains, To: "pypi/demo@1.5"}},
	}
	res, err := Scan(context.Background(), inv, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		sort.Strings(f.Labels)
		got = append(got, f.ID+" "+strings.Join(f.Aliases, ",")+" "+f.Severity+" "+strings.Join(f.Labels, ",")+" | "+f.Advice)
	}
	want := []string{
		"PYSEC-1 CVE-1,GHSA-1 CRITICAL distro-package | distro package: the upstream fix may be backported; upgrade to 2.0 or later",
		"PYSEC-2  UNKNOWN distro-package,open-range | distro package: the upstream fix may be backported; no fix known",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes, two per character
	for details, want := range map[string]string{
		"In Alerta before version 8.1.0, users can continue to use an expired token. Fixed in 8.1.0.": "In Alerta before version 8.1.0, users can continue to use an expired token.",
		"  Django 3.2.1 and 4.0 allow SQL injection.\nDetails follow.":                                "Django 3.2.1 and 4.0 allow SQL injection.",
		"A hard-wrapped first line\nand its second.\n\nAnother paragraph.":                            "A hard-wrapped first line and its second.",
		"Ends with version 1.2.3.": "Ends with version 1.2.3.",
		long:                       strings.Repeat("é", 78) + "…",
		// pip's PYSEC-2023-228: hard-wrapped inside a quoted command.
		"When installing a package from a Mercurial VCS URL  (ie \"pip install\nhg+...\") with pip prior to v23.3, the specified Mercurial revision could be used\nto inject arbitrary configuration options to the \"hg clone\" call (ie \"--config\"). Controlling the Mercurial configuration can modify how and which repositories are installed.": "When installing a package from a Mercurial VCS URL (ie \"pip install hg+...\") with pip prior to v23.3, the specified Mercurial revision could be used to…",
		"### Impact\nAn attacker can, e.g. by sending a header, crash it. More.": "An attacker can, e.g. by sending a header, crash it.",
		strings.Repeat("word ", 50): strings.TrimSpace(strings.Repeat("word ", 31)) + "…",
	} {
		got := summary(&osv.Record{Details: details})
		if got != want || !utf8.ValidString(got) {
			t.Errorf("summary(%q) = %q, want %q", details, got, want)
		}
	}
	if got := summary(&osv.Record{Summary: "Given", Details: "Other."}); got != "Given" {
		t.Errorf("summary kept %q", got)
	}
}

// TestSeverityFromAlias: a PYSEC record gives no severity; the database's
// GHSA record of the same vulnerability does (for a package that is not
// the one scanned): the finding takes it and names the record. The
// findings come worst first.
func TestSeverityFromAlias(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644) }
	write("PYSEC-2099-9.json", `{"id": "PYSEC-2099-9", "modified": "2025-01-01T00:00:00Z", "aliases": ["GHSA-aaaa-bbbb-cccc"],
	  "affected": [{"package": {"ecosystem": "PyPI", "name": "demo"}, "versions": ["1.0"]}]}`)
	write("GHSA-aaaa-bbbb-cccc.json", `{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2025-01-01T00:00:00Z", "aliases": ["PYSEC-2099-9"],
	  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
	  "affected": [{"package": {"ecosystem": "npm", "name": "other"}, "versions": ["9"]}]}`)
	write("PYSEC-2099-8.json", `{"id": "PYSEC-2099-8", "modified": "2025-01-01T00:00:00Z",
	  "affected": [{"package": {"ecosystem": "PyPI", "name": "alpha"}, "versions": ["1.0"]}]}`)
	dbPath := filepath.Join(t.TempDir(), "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inv := &inventory.Inventory{Packages: []*inventory.Package{
		{ID: "a", Name: "alpha", Version: "1.0", PURL: "pkg:pypi/alpha@1.0"},
		{ID: "d", Name: "demo", Version: "1.0", PURL: "pkg:pypi/demo@1.0"},
		{ID: "u", Name: "unpinned", PURL: "pkg:pypi/unpinned"},
		{ID: "w", Name: "weird", Version: "1.0", PURL: "pkg:npm/weird@1.0"},
	}}
	res, err := Scan(context.Background(), inv, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 {
		t.Fatalf("%+v", res.Findings)
	}
	f := res.Findings[0] // the worst first
	if f.ID != "PYSEC-2099-9" || f.Severity != "CRITICAL" || f.Score != 9.8 || f.SeverityFrom != "GHSA-aaaa-bbbb-cccc" {
		t.Errorf("finding %+v", f)
	}
	if g := res.Findings[1]; g.ID != "PYSEC-2099-8" || g.Severity != "UNKNOWN" || res.NoSeverity() != 1 {
		t.Errorf("second finding %+v", g)
	}
	if res.Failing(severity.Low, false) != 1 || res.Failing(severity.Low, true) != 2 {
		t.Errorf("failing %d/%d", res.Failing(severity.Low, false), res.Failing(severity.Low, true))
	}
	var reasons []string
	for _, u := range res.Unscanned {
		reasons = append(reasons, u.Component+": "+u.Reason)
	}
	want := []string{"u: no version (an unpinned requirement): which advisories apply is unknown", "w: pkg:npm: not an ecosystem pysbom scans"}
	if !slices.Equal(reasons, want) {
		t.Errorf("unscanned %q", reasons)
	}
}
