package audit

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// TestPyenvSitePackages audits the 14 extension modules of pyenv 3.11.7's
// site-packages (wheels from PyPI): languages, the memory-safe share of
// cryptography's Rust extension, bundled libraries and owners.
func TestPyenvSitePackages(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	rep, err := Audit(context.Background(), site, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*Binary{}
	for _, b := range rep.Binaries {
		byPath[b.Path] = b
	}
	crypto := byPath["cryptography/hazmat/bindings/_rust.abi3.so"]
	if crypto == nil {
		t.Skip("cryptography 48.0.0 is not installed in pyenv 3.11.7")
	}
	// specs/native-audit.md §(d): C 4,299,067 B (57%, bundled OpenSSL) and Rust 3,297,983 B (43%).
	if diff := cmp.Diff(map[string]uint64{"C": 4299067, "Rust": 3297983}, crypto.Lang.Bytes); diff != "" {
		t.Errorf("cryptography code bytes (-want +got):\n%s", diff)
	}
	if crypto.Owner != (Owner{"cryptography", "48.0.0"}) {
		t.Errorf("cryptography owner = %+v", crypto.Owner)
	}
	if len(crypto.Libraries) != 1 || crypto.Libraries[0].Name != "openssl" || crypto.Libraries[0].Version != "4.0.0" {
		t.Errorf("cryptography libraries = %+v, want openssl 4.0.0", crypto.Libraries)
	}
	langs := func(b *Binary) []string {
		var out []string
		for _, l := range b.Lang.Languages {
			out = append(out, l.Name)
		}
		for _, g := range b.Lang.Generators {
			out = append(out, "("+g.Name+")")
		}
		return out
	}
	for path, want := range map[string][]string{
		"cryptography/hazmat/bindings/_rust.abi3.so":                  {"C", "Rust", "(PyO3)"},
		"rpds/rpds.cpython-311-x86_64-linux-gnu.so":                   {"Rust", "(PyO3)"},
		"libcst/native.cpython-311-x86_64-linux-gnu.so":               {"Rust", "(PyO3)"},
		"orjson/orjson.cpython-311-x86_64-linux-gnu.so":               {"Rust"},
		"yaml/_yaml.cpython-311-x86_64-linux-gnu.so":                  {"C", "(Cython)"},
		"81d243bd2c585b0f4821__mypyc.cpython-311-x86_64-linux-gnu.so": {"C", "(mypyc)"},
		"markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so":        {"C"},
	} {
		b := byPath[path]
		if b == nil {
			t.Errorf("%s: not audited", path)
			continue
		}
		if diff := cmp.Diff(want, langs(b)); diff != "" {
			t.Errorf("%s languages (-want +got):\n%s", path, diff)
		}
	}
	per, total := rep.Summaries()
	if total.Binaries != len(rep.Binaries) || len(per) == 0 {
		t.Errorf("summaries: %d binaries in total, %d packages", total.Binaries, len(per))
	}
	for _, s := range per {
		if s.Name == "PyYAML" && (len(s.Libraries) != 1 || s.Libraries[0] != "libyaml 0.2.5") {
			t.Errorf("PyYAML libraries = %v", s.Libraries)
		}
	}
}
