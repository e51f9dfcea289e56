package match

import (
	"testing"

	"github.com/pysbom/pysbom/internal/osv"
)

func TestGenericOrder(t *testing.T) {
	ordered := []string{"0.9.8zh", "1.0.1rc1", "1.0.1", "1.0.1a", "1.0.2", "1.1.1", "1.1.1w", "1.1.1x", "3.0.2", "3.0.13", "3.0.19", "3.10.0", "4.0.0"}
	for i := range ordered {
		for j := range ordered {
			a, _ := parseGeneric(ordered[i])
			b, _ := parseGeneric(ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.cmp(b); got != want {
				t.Errorf("cmp(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if _, err := parseGeneric("..."); err == nil {
		t.Error("a version without digits or letters parsed")
	}
}

func TestGenericRecord(t *testing.T) {
	r := &osv.Record{ID: "CVE-X", Affected: []osv.Affected{{
		Package:  osv.Package{Ecosystem: "CPE", Name: "openssl:openssl"},
		Ranges:   []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "3.0.0"}, {Fixed: "3.0.14"}}}},
		Versions: []string{"1.1.1w"},
	}}}
	for v, want := range map[string]bool{"3.0.13": true, "3.0.14": false, "2.9": false, "1.1.1w": true, "1.1.1v": false, "4.0.0": false} {
		if got := Generic(r, "CPE", "openssl:openssl", v).Affected; got != want {
			t.Errorf("openssl %s: %v, want %v", v, got, want)
		}
	}
	if m := Generic(r, "CPE", "openssl:openssl", "3.0.13"); m.Fixed != "3.0.14" {
		t.Errorf("fixed = %q", m.Fixed)
	}
}
