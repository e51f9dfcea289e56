package pep503

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Django", "django"},
		{"typing_extensions", "typing-extensions"},
		{"zope.interface", "zope-interface"},
		{"Foo__-.Bar", "foo-bar"},
		{"ruamel.yaml.clib", "ruamel-yaml-clib"},
		{"a", "a"},
		{"", ""},
		{"_leading", "leading"},
		{"trailing_", "trailing"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValid(t *testing.T) {
	for _, n := range []string{"a", "Django", "zope.interface", "a-b_c.d", "9x"} {
		if !Valid(n) {
			t.Errorf("Valid(%q) = false", n)
		}
	}
	for _, n := range []string{"", "-a", "a-", "a b", "ä", "a/b"} {
		if Valid(n) {
			t.Errorf("Valid(%q) = true", n)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Django", "a.-_b", "", "___", "ÄÖ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, Normalize(n))
		}
		if Valid(s) && !Valid(n) {
			t.Fatalf("valid name %q normalised to invalid %q", s, n)
		}
	})
}
