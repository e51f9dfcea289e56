package match

import (
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/osv"
)

// apkOrder are orderings apk-tools' own test data (test/version.data)
// states, chosen for each rule: numbers, leading zeros after a dot, a
// letter, pre- and post-release suffixes, chained suffixes, revisions,
// dates longer than 32 bits, and a version that stops being valid.
const apkOrder = `2.34 > 0.1.0_alpha
23_foo > 4_beta
1.0 < 1.0bc
0.1.0_alpha = 0.1.0_alpha
0.1.0_alpha2 > 0.1.0_alpha
1.0.4-r3 < 1.0.4-r4
1.0.4-r4 < 1.6
1.1 > 1.1_alpha1
1.2.1 > 1.2
1.2 < 1.3_alpha
1.3_alpha2 < 1.3_alpha3
0.7.0 < 0.8_beta1
3.10.18-r1 > 2.3.0b-r1
2.3.0b-r1 < 2.3.0b-r2
0.12.3 > 0.12
1.2.11 < 1.2.12.1
0.2.0-r1 < 3.1_p16
3.1_p16 < 3.1_p17
1.06-r6 < 006
006 > 1.0.0
1.2.2-r1 > 1.2.2
2.59 < 20050718-r1
3.9.8-r5 > 2.01.01_alpha10
1.0 > 0.99.3.20040818
20060720 > 3.0.20060720
1.02 < 1.03-r1
1.12.12-r2 < 2.8.0.6-r1
4.2.52_p2-r1 < 4.2.52_p4-r2
2.5.1-r8 < 2.5.1a-r1
1.2.07.8 < 1.2.12.04
1.2.12.04 < 1.2.12.05
3.81 > 1.6d
0.1_pre20060810 < 0.1_pre20060817
0.59s-r11 < 0.65
4.01 < 4.20
4.20 > 0.20070118
0.20070118 < 0.20070207_rc1
4.5_p1-r1 > 4.5_p1
0.9.8c-r1 < 0.9.8d
2.2.3-r2 < 013
1.7 < 1.7b
1.8.5 < 1.8.5_p2
2.9.11_pre20051101-r3 > 2.9.11_pre20051101
1.6.8_p12-r1 > 1.6.8_p9-r2
0.9.28-r2 < 0.9.28.1
0.9.28.1 < 087-r1
20040406-r1 > 2.12r-r4
2.12r-r4 < 2.12r-r5
7.0.17 < 7.0.174
0.10.0 < 0.10.1_rc1
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0`

func TestCompareAPK(t *testing.T) {
	want := map[string]int{"<": -1, "=": 0, ">": 1}
	for _, line := range strings.Split(apkOrder, "\n") {
		f := strings.Fields(line)
		a, op, b := f[0], f[1], f[2]
		if got := compareAPK(a, b); got != want[op] {
			t.Errorf("%s %s %s: compare gives %d", a, op, b, got)
		}
		if got := compareAPK(b, a); got != -want[op] {
			t.Errorf("%s %s %s, reversed: compare gives %d", a, op, b, got)
		}
	}
}

func TestValidAPK(t *testing.T) {
	for s, ok := range map[string]bool{"3.3.2-r0": true, "1.2.5_git20240101-r1": true, "2.12r-r4": true, "": false,
		"1.0bc": false, "1.0-1": false, "1.0_foo": false, "1.0-r": true, "a1": false} {
		if validAPK(s) != ok {
			t.Errorf("validAPK(%q) = %v", s, !ok)
		}
	}
}

func TestAlpine(t *testing.T) {
	rec := &osv.Record{ID: "ALPINE-CVE-2024-5535", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Alpine:v3.20", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "3.3.2-r0"}}}}}}}
	for _, c := range []struct {
		release, name, version string
		affected               bool
	}{
		{"v3.20", "openssl", "3.3.1-r3", true},
		{"v3.20", "openssl", "3.3.2-r0", false},
		{"v3.20", "openssl", "3.3.2_p1-r0", false},
		{"v3.20", "openssl", "3.3.2_rc1-r0", true},
		{"v3.19", "openssl", "3.3.1-r3", false},
		{"v3.20", "libressl", "3.3.1-r3", false},
	} {
		if got := Alpine(rec, c.release, c.name, c.version); got.Affected != c.affected {
			t.Errorf("%s %s %s: affected %v (%+v)", c.release, c.name, c.version, got.Affected, got)
		}
	}
	if got := Alpine(rec, "v3.20", "openssl", "not-a-version"); !got.Unparseable {
		t.Errorf("an unparseable version is not said: %+v", got)
	}
}

func FuzzCompareAPK(f *testing.F) {
	for _, line := range strings.Split(apkOrder, "\n") {
		fs := strings.Fields(line)
		f.Add(fs[0], fs[2])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if compareAPK(a, b) != -compareAPK(b, a) {
			t.Errorf("compare(%q, %q) is not antisymmetric", a, b)
		}
		if validAPK(a) && compareAPK(a, a) != 0 {
			t.Errorf("%q is not equal to itself", a)
		}
	})
}
