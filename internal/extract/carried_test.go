package extract

import (
	"context"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// TestPyenvCarried checks what the real environment's packages carry:
// cryptography 48.0.0's two PEP 770 documents (OpenSSL 4.0.0 statically
// linked, and the Rust crates), pydantic_core's crates, and the 23
// packages pip 23.2.1 vendors.
func TestPyenvCarried(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	env, err := target.Resolve(context.Background(), site, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Environment(context.Background(), env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	contained := map[string][]string{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.Contains {
			contained[r.From] = append(contained[r.From], r.To)
		}
	}
	has := func(owner, id string) *inventory.Package {
		for _, to := range contained[owner] {
			if to == id {
				return inv.Find(id)
			}
		}
		return nil
	}
	ssl := has("pypi/cryptography@48.0.0", "pypi/cryptography@48.0.0>generic/openssl@4.0.0")
	if ssl == nil {
		t.Fatal("cryptography does not contain OpenSSL 4.0.0")
	}
	if !strings.HasPrefix(ssl.PURL, "pkg:generic/openssl@4.0.0") ||
		ssl.More().DownloadLocation != "https://github.com/openssl/openssl/releases/download/openssl-4.0.0/openssl-4.0.0.tar.gz" ||
		ssl.Hash(inventory.SHA256) != "c32cf49a959c4f345f9606982dd36e7d28f7c58b19c2e25d75624d2b3d2f79ac" {
		t.Errorf("OpenSSL component = %+v", ssl)
	}
	for _, crate := range []string{"asn1@0.24.1", "pyo3@0.28.3", "openssl-sys@0.9.115"} {
		if has("pypi/cryptography@48.0.0", "pypi/cryptography@48.0.0>cargo/"+crate) == nil {
			t.Errorf("cryptography does not contain crate %s", crate)
		}
	}
	crates := 0
	for _, to := range contained["pypi/pydantic-core@2.46.4"] {
		if strings.Contains(to, ">cargo/") {
			crates++
		}
	}
	if crates < 50 || has("pypi/pydantic-core@2.46.4", "pypi/pydantic-core@2.46.4>cargo/pyo3@0.28.3") == nil && crates < 100 {
		t.Errorf("pydantic_core contains %d crates", crates)
	}
	vendored := 0
	for _, to := range contained["pypi/pip@23.2.1"] {
		if strings.HasPrefix(to, "pypi/pip@23.2.1>pypi/") {
			vendored++
		}
	}
	if vendored != 23 {
		t.Errorf("pip vendors %d packages, want 23", vendored)
	}
	for _, v := range []string{"urllib3@1.26.16", "requests@2.31.0", "certifi@2023.5.7", "idna@3.4"} {
		if has("pypi/pip@23.2.1", "pypi/pip@23.2.1>pypi/"+v) == nil {
			t.Errorf("pip does not contain %s", v)
		}
	}
	for _, p := range inv.Problems {
		if p.Kind == inventory.BadSBOM || p.Kind == inventory.UnreadSBOM {
			t.Errorf("carried document problem: %+v", p)
		}
	}
}
