package match

import (
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/osv"
)

// rpmOrder are comparisons rpm's own test suite states (tests/
// rpmvercmp.at), and the caret's ordering rpm 4.15 added.
const rpmOrder = `1.0 1.0 0
1.0 2.0 -1
2.0.1 2.0.1 0
2.0 2.0.1 -1
2.0.1a 2.0.1 1
5.5p1 5.5p2 -1
5.5p1 5.5p10 -1
10xyz 10.1xyz -1
xyz10 xyz10.1 -1
xyz.4 8 -1
xyz.4 2 -1
5.5p2 5.6p1 -1
5.6p1 6.5p1 -1
6.0.rc1 6.0 1
10b2 10a1 1
1.0a 1.0aa -1
10.0001 10.1 0
10.0001 10.0039 -1
4.999.9 5.0 -1
20101121 20101122 -1
2.0 2_0 0
a+ a_ 0
+a _a 0
_+ +_ 0
+ _ 0
1.0~rc1 1.0 -1
1.0~rc1 1.0~rc2 -1
1.0~rc1~git123 1.0~rc1 -1
1.0^ 1.0 1
1.0^git1 1.0 1
1.0^git1 1.0^git2 -1
1.0^git1 1.01 -1
1.0^20160101 1.0.1 -1
1.0~rc1^git1 1.0~rc1 1
1.0^git1~pre 1.0^git1 -1`

func TestCompareRPMVersion(t *testing.T) {
	for _, line := range strings.Split(rpmOrder, "\n") {
		f := strings.Fields(line)
		want := map[string]int{"-1": -1, "0": 0, "1": 1}[f[2]]
		if got := compareRPMVersion(f[0], f[1]); got != want {
			t.Errorf("rpmvercmp(%s, %s) = %d, want %d", f[0], f[1], got, want)
		}
		if got := compareRPMVersion(f[1], f[0]); got != -want {
			t.Errorf("rpmvercmp(%s, %s) = %d, want %d", f[1], f[0], got, -want)
		}
	}
}

func TestRPM(t *testing.T) {
	rec := &osv.Record{ID: "RHSA-2024:0001", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Red Hat:enterprise_linux:9::appstream", Name: "python3.11"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "0:3.11.7-1.el9_3"}}}}}}}
	rhel9 := func(rel string) bool {
		return strings.HasPrefix(rel, "enterprise_linux:9:") || rel == "enterprise_linux:9"
	}
	for _, c := range []struct {
		names    []string
		evr      string
		in       func(string) bool
		affected bool
	}{
		{[]string{"python3.11-libs", "python3.11"}, "3.11.5-1.el9_3", rhel9, true},
		{[]string{"python3.11"}, "3.11.7-1.el9_3", rhel9, false},
		{[]string{"python3.11"}, "1:3.11.5-1.el9_3", rhel9, false},
		{[]string{"python3.11"}, "3.11.5-1.el8", func(rel string) bool { return strings.HasPrefix(rel, "enterprise_linux:8") }, false},
		{[]string{"python3.12"}, "3.11.5-1.el9_3", rhel9, false},
	} {
		if got := RPM(rec, "Red Hat", c.in, c.names, c.evr); got.Affected != c.affected {
			t.Errorf("%v %s: affected %v (%+v)", c.names, c.evr, got.Affected, got)
		}
	}
}

func FuzzCompareRPMVersion(f *testing.F) {
	for _, line := range strings.Split(rpmOrder, "\n") {
		fs := strings.Fields(line)
		f.Add(fs[0], fs[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if compareRPMVersion(a, b) != -compareRPMVersion(b, a) {
			t.Errorf("rpmvercmp(%q, %q) is not antisymmetric", a, b)
		}
	})
}
