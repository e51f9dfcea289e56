package osv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

func pypaRecords(tb testing.TB) []*Record {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns", "*", "*.yaml"))
	if len(files) == 0 {
		tb.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	var out []*Record
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := Parse(data, f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestBinaryRoundTrip encodes every PyPA record in the compact form and
// decodes it back to the same record.
func TestBinaryRoundTrip(t *testing.T) {
	recs := append(pypaRecords(t), &Record{ID: "X-1", Modified: "2024-01-01T00:00:00Z",
		DatabaseSpecific: map[string]any{"severity": "HIGH", "n": 1.5},
		Affected: []Affected{{Package: Package{Ecosystem: "PyPI", Name: "x"}, Versions: []string{"1.0", ""},
			DatabaseSpecific: map[string]any{"last_known_affected_version_range": "<= 2.0"},
			Ranges:           []Range{{Type: "GIT", Repo: "https://example.org/x", Events: []Event{{Introduced: "0"}, {Limit: "*"}}}}}}})
	for _, r := range recs {
		data, err := r.MarshalBinary()
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		back, err := DecodeBinary(string(data))
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		want, _ := json.Marshal(r)
		got, _ := json.Marshal(back)
		if string(got) != string(want) {
			t.Fatalf("%s: round trip\n got %s\nwant %s", r.ID, got, want)
		}
		// Every truncation is an error, not a panic or a shorter record.
		for _, n := range []int{0, 3, len(data) / 2, len(data) - 1} {
			if _, err := DecodeBinary(string(data[:n])); err == nil {
				t.Fatalf("%s: truncated to %d bytes decodes", r.ID, n)
			}
		}
	}
}

func BenchmarkDecodeStored(b *testing.B) {
	recs := pypaRecords(b)
	var js, bin [][]byte
	for _, r := range recs {
		j, _ := json.Marshal(r)
		d, _ := r.MarshalBinary()
		js, bin = append(js, j), append(bin, d)
	}
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			for i, d := range js {
				if _, err := Parse(d, recs[i].ID); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		for b.Loop() {
			for _, d := range bin {
				if _, err := DecodeBinary(string(d)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func FuzzUnmarshalBinary(f *testing.F) {
	r := &Record{ID: "X-1", Modified: "2024-01-01T00:00:00Z", Aliases: []string{"CVE-1"},
		Affected: []Affected{{Package: Package{Ecosystem: "PyPI", Name: "x"}, Versions: []string{"1.0"},
			Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.1"}}}}}},
		DatabaseSpecific: map[string]any{"a": "b"}}
	data, _ := r.MarshalBinary()
	f.Add(data)
	f.Add([]byte(binaryMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeBinary(string(data))
		if err != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeBinary(string(again)); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
	})
}
