package rustdeps

import (
	"bytes"
	"compress/zlib"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/libver"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

func deflate(s string) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestParseAudit(t *testing.T) {
	good := `{"packages":[{"name":"hello","version":"0.1.0","source":"local","root":true,"dependencies":[1,2]},` +
		`{"name":"itoa","version":"1.0.11","source":"crates.io"},{"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"}]}`
	got, err := ParseAudit(deflate(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []Crate{{"hello", "0.1.0", "local", false, true}, {"itoa", "1.0.11", "crates.io", false, false}, {"cc", "1.0.83", "crates.io", true, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("crates (-want +got):\n%s", diff)
	}
	for name, doc := range map[string][]byte{
		"not zlib":     []byte("{}"),
		"no root":      deflate(`{"packages":[{"name":"a","version":"1.0.0"}]}`),
		"two roots":    deflate(`{"packages":[{"name":"a","version":"1.0.0","root":true},{"name":"b","version":"1.0.0","root":true}]}`),
		"bad index":    deflate(`{"packages":[{"name":"a","version":"1.0.0","root":true,"dependencies":[7]}]}`),
		"self":         deflate(`{"packages":[{"name":"a","version":"1.0.0","root":true,"dependencies":[0]}]}`),
		"no version":   deflate(`{"packages":[{"name":"a","root":true}]}`),
		"not json":     deflate(`packages`),
		"over the cap": deflate(`{"packages":[` + strings.Repeat(" ", MaxAudit) + `]}`),
	} {
		if _, err := ParseAudit(doc); !errors.Is(err, ErrAudit) {
			t.Errorf("%s: err = %v, want ErrAudit", name, err)
		}
	}
}

func TestFromPaths(t *testing.T) {
	strs := []byte("/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pyo3-0.28.3/src/err/mod.rs\n" +
		"/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/openssl-sys-0.9.115/src/lib.rs\n" +
		"/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/x25519-dalek-2.0.0-rc.3/src/x.rs\n" +
		"/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pyo3-0.28.3/src/gil.rs\n" +
		"/rustc/abc/library/core/src/fmt/mod.rs\n")
	want := []Crate{{Name: "openssl-sys", Version: "0.9.115", Source: "registry"}, {Name: "pyo3", Version: "0.28.3", Source: "registry"},
		{Name: "x25519-dalek", Version: "2.0.0-rc.3", Source: "registry"}}
	if diff := cmp.Diff(want, FromPaths(strs)); diff != "" {
		t.Errorf("crates (-want +got):\n%s", diff)
	}
}

// TestCryptographyCrates reads the crate paths of cryptography 48.0.0's
// Rust extension (no .dep-v0): the spec lists eight of them.
func TestCryptographyCrates(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	path := filepath.Join(site, "cryptography/hazmat/bindings/_rust.abi3.so")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("cryptography not installed: %v", err)
	}
	f, err := elffile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	for _, c := range FromPaths(libver.Strings(f)) {
		got[c.Name] = c.Version
	}
	for name, v := range map[string]string{"asn1": "0.24.1", "openssl": "0.10.79", "openssl-sys": "0.9.115", "pyo3": "0.28.3",
		"pem": "3.0.6", "base64": "0.22.1", "once_cell": "1.21.4", "itoa": "1.0.18"} {
		if got[name] != v {
			t.Errorf("crate %s = %q, want %s", name, got[name], v)
		}
	}
}

func FuzzParseAudit(f *testing.F) {
	f.Add(deflate(`{"packages":[{"name":"a","version":"1.0.0","root":true,"dependencies":[1]},{"name":"b","version":"2.0.0"}]}`))
	f.Add([]byte{0x78, 0x9c})
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseAudit(data)
		if err != nil && cs != nil {
			t.Fatal("crates returned with an error")
		}
	})
}
