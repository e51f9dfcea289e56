package wheelname

import "testing"

func TestParse(t *testing.T) {
	n, err := Parse("cryptography-48.0.0-cp311-abi3-manylinux_2_28_x86_64.manylinux_2_34_x86_64.whl")
	if err != nil || n.Distribution != "cryptography" || n.Version != "48.0.0" || len(n.Platform) != 2 || n.ABI[0] != "abi3" {
		t.Errorf("Parse = %+v, %v", n, err)
	}
	n, err = Parse("pip-23.2.1-1-py3-none-any.whl")
	if err != nil || n.Build != "1" || n.Tags() != "py3-none-any" {
		t.Errorf("build tag: %+v, %v", n, err)
	}
	for _, bad := range []string{"pip-23.2.1.tar.gz", "pip-py3-none-any.whl", "a-1-x-py3-none-any.whl", "a--py3-none-any.whl", "a-1-py3--any.whl"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("pip-23.2.1-py3-none-any.whl")
	f.Add("x-1-2-cp3.cp4-a-b.c.whl")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(n.String())
		if err != nil || again.String() != n.String() {
			t.Fatalf("round trip %q -> %q (%v)", s, n.String(), err)
		}
	})
}
