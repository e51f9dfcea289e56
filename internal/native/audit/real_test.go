package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/native/harden"
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

// TestRealPELaunchers audits the Windows launchers that pip (distlib) and
// setuptools ship as package data: real PE files, on any platform. The
// old setuptools cli-32/cli-64 have DllCharacteristics 0x8000 only (no
// DYNAMIC_BASE, no NX_COMPAT); distlib's t64 has 0x8140 (both).
func TestRealPELaunchers(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	for _, tt := range []struct {
		path    string
		kind    harden.Kind
		pie, nx string
		machine string
	}{
		{"setuptools/cli-32.exe", harden.Exec, "no", "no", "i386"},
		{"setuptools/cli-64.exe", harden.Exec, "no", "no", "x86_64"},
		{"pip/_vendor/distlib/t64.exe", harden.PIEExec, "yes", "yes", "x86_64"},
	} {
		bs, err := fileBinaries(filepath.Join(site, tt.path), tt.path)
		if os.IsNotExist(err) {
			t.Logf("%s not installed", tt.path)
			continue
		}
		if err != nil || len(bs) != 1 {
			t.Fatalf("%s: %v %v", tt.path, err, bs)
		}
		b := bs[0]
		pie, _ := b.Result("pie")
		nx, _ := b.Result("nx")
		if b.Format != "PE" || b.Kind != tt.kind || b.Machine != tt.machine || pie.Value != tt.pie || nx.Value != tt.nx {
			t.Errorf("%s: %s %s %s pie=%s nx=%s", tt.path, b.Format, b.Kind, b.Machine, pie.Value, nx.Value)
		}
	}
}
