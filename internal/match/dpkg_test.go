package match

import (
	"testing"

	"github.com/pysbom/pysbom/internal/osv"
)

// TestDebianOrder checks the Debian Policy examples and dpkg's own
// ordering cases (lib/dpkg/t/t-version.c).
func TestDebianOrder(t *testing.T) {
	ordered := []string{
		"1.0~rc1", "1.0", "1.0-1", "1.0-1+deb12u1", "1.0-2", "1.0a", "1.0+dfsg-1", "1.1~~", "1.1~~a", "1.1~", "1.1", "1:0.9",
	}
	for i := range ordered {
		for j := range ordered {
			a, err := parseDebian(ordered[i])
			if err != nil {
				t.Fatal(err)
			}
			b, _ := parseDebian(ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.cmp(b); got != want {
				t.Errorf("compare(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	for _, eq := range [][2]string{{"1.0", "1.00"}, {"0:1.0", "1.0"}, {"1.0-01", "1.0-1"}} {
		a, _ := parseDebian(eq[0])
		b, _ := parseDebian(eq[1])
		if a.cmp(b) != 0 {
			t.Errorf("%s != %s", eq[0], eq[1])
		}
	}
	for _, bad := range []string{"", "a1.0", "x:1.0", "1:"} {
		if _, err := parseDebian(bad); err == nil {
			t.Errorf("parseDebian(%q) accepted", bad)
		}
	}
}

func TestDebianRecord(t *testing.T) {
	r := &osv.Record{ID: "DSA-5575-1", Modified: "m", Aliases: []string{"CVE-2023-49083"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "python-cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "38.0.4-3+deb12u1"}}}}}}}
	if res := Debian(r, "12", "python-cryptography", "38.0.4-3"); !res.Affected || res.Fixed != "38.0.4-3+deb12u1" {
		t.Errorf("38.0.4-3: %+v", res)
	}
	if res := Debian(r, "12", "python-cryptography", "38.0.4-3+deb12u1"); res.Affected || res.Fixed != "38.0.4-3+deb12u1" {
		t.Errorf("38.0.4-3+deb12u1: %+v", res)
	}
	if res := Debian(r, "11", "python-cryptography", "38.0.4-3"); res.Affected {
		t.Errorf("another release matched: %+v", res)
	}
}
