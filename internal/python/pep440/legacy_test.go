package pep440

import "testing"

func FuzzCompareAny(f *testing.F) {
	f.Add("0.9-doduo", "1.0")
	f.Add("1.0rc1", "1.0-pre1")
	f.Fuzz(func(t *testing.T, a, b string) {
		if CompareAny(a, b) != -CompareAny(b, a) {
			t.Fatalf("CompareAny(%q, %q) is not antisymmetric", a, b)
		}
	})
}
