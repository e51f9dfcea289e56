package glob

import "testing"

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		g, p string
		want bool
	}{
		{"a/**", "a/b/c.h", true}, {"a/**", "a", true}, {"a/**", "ab/c", false}, {"a/*.h", "a/x.h", true},
		{"a/*.h", "a/b/x.h", false}, {"a/**/x.h", "a/x.h", true}, {"a/**/x.h", "a/b/c/x.h", true},
		{"**/tests/*.so", "pkg/tests/x.so", true}, {"**/tests/*.so", "tests/x.so", true}, {"**/tests/*.so", "pkg/x.so", false},
		{"[", "[", false},
	} {
		if got := Match(tt.g, tt.p); got != tt.want {
			t.Errorf("Match(%q, %q) = %v", tt.g, tt.p, got)
		}
	}
	if Valid("[") || Valid("") || !Valid("a/**/*.so") {
		t.Error("Valid")
	}
}
