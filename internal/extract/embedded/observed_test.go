package embedded

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/inventory"
)

// declaredNative is a package's own SBOM: OpenSSL at a version its
// binary contradicts, zlib as the binary shows it, SQLite that no binary
// shows.
const declaredNative = `{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "components": [
  {"type": "library", "bom-ref": "a", "name": "openssl", "version": "3.5.0", "purl": "pkg:generic/openssl@3.5.0"},
  {"type": "library", "bom-ref": "b", "name": "zlib", "version": "1.3.1", "purl": "pkg:generic/zlib@1.3.1"},
  {"type": "library", "bom-ref": "c", "name": "sqlite", "version": "3.45.0", "purl": "pkg:generic/sqlite@3.45.0"}]}`

// extWithLibs holds statically linked OpenSSL (its version string and the
// build line only its code carries), zlib and expat.
const extWithLibs = `const char ssl[] = "OpenSSL 3.0.13 30 Jan 2024";
const char sslbuild[] = "compiler: gcc -fPIC -pthread -m64 -Wa,--noexecstack";
const char z[] = " deflate 1.3.1 Copyright 1995-2024 Jean-loup Gailly and Mark Adler ";
const char y[] = "expat_2.6.2";
int PyInit_demo(void) { return ssl[0] + sslbuild[0] + z[0] + y[0]; }
`

// extBuiltAgainst only carries the version of the OpenSSL headers it was
// compiled against, and links libcrypto dynamically (Debian's
// python3-cryptography's _openssl.abi3.so).
const extBuiltAgainst = `const char ssl[] = "OpenSSL 3.0.14 4 Jun 2024";
extern int EVP_MD_get_size(const void *);
int PyInit_demo(void) { return ssl[0] + EVP_MD_get_size(0); }
`

// TestCompiledAgainstIsNotContained: a binary that links OpenSSL
// dynamically shows only its headers' version; that version is what it
// was built against, not a copy inside it.
func TestCompiledAgainstIsNotContained(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, "x.c"), filepath.Join(dir, "x.so")
	os.WriteFile(src, []byte(extBuiltAgainst), 0o644)
	lib := filepath.Join(dir, "libcrypto.so.3")
	os.WriteFile(filepath.Join(dir, "lib.c"), []byte("int EVP_MD_get_size(const void *p) { return 0; }\n"), 0o644)
	if msg, err := exec.Command("gcc", "-shared", "-fPIC", "-Wl,-soname,libcrypto.so.3", "-o", lib, filepath.Join(dir, "lib.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	if msg, err := exec.Command("gcc", "-O2", "-fPIC", "-shared", "-o", out, src, lib).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	so, _ := os.ReadFile(out)
	fsys := fstest.MapFS{"demo/_demo.abi3.so": {Data: so}}
	dist := &inventory.Package{ID: "pypi/demo@1.0", Name: "demo", Version: "1.0", Files: []inventory.File{{Path: "demo/_demo.abi3.so"}},
		Python: &inventory.PythonDist{MetadataDir: "demo-1.0.dist-info"}}
	res := Extract(fsys, dist, nil)
	for _, p := range res.Packages {
		if p.Name == "openssl" {
			t.Errorf("a contained openssl %s from the headers' version string", p.Version)
		}
	}
	if len(res.Links) != 1 || len(res.Links[0].BuiltAgainst) != 1 || res.Links[0].BuiltAgainst[0].Version != "3.0.14" ||
		res.Links[0].BuiltAgainst[0].LinkedTo != "libcrypto.so.3" {
		t.Errorf("links %+v", res.Links)
	}
}

// TestDeclaredVersusObserved compares a package's own SBOM with what its
// extension module's bytes show.
func TestDeclaredVersusObserved(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, "x.c"), filepath.Join(dir, "x.so")
	os.WriteFile(src, []byte(extWithLibs), 0o644)
	if msg, err := exec.Command("gcc", "-O2", "-fPIC", "-shared", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	so, _ := os.ReadFile(out)
	fsys := fstest.MapFS{
		"demo/_demo.cpython-311-x86_64-linux-gnu.so": {Data: so},
		"demo-1.0.dist-info/sboms/native.cdx.json":   {Data: []byte(declaredNative)},
	}
	dist := &inventory.Package{ID: "pypi/demo@1.0", Name: "demo", Version: "1.0", Python: &inventory.PythonDist{MetadataDir: "demo-1.0.dist-info"}}
	for name := range fsys {
		dist.Files = append(dist.Files, inventory.File{Path: name})
	}
	res := Extract(fsys, dist, nil)
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, string(p.Kind)+" "+p.Path+": "+p.Message)
	}
	want := []string{
		"native-conflict demo/_demo.cpython-311-x86_64-linux-gnu.so: the package's own SBOM declares openssl 3.5.0, but the binaries show 3.0.13",
		"native-undeclared demo/_demo.cpython-311-x86_64-linux-gnu.so: the binaries show expat 2.6.2, which the package's own SBOM does not declare",
		"native-unobserved : the package's own SBOM declares sqlite 3.45.0, which its binaries do not show",
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// zlib is one component with the declared source and the evidence.
	var zlib *inventory.Package
	for _, p := range res.Packages {
		if p.Name == "zlib" {
			if zlib != nil {
				t.Fatal("zlib listed twice")
			}
			zlib = p
		}
	}
	if zlib == nil || zlib.ID != "pypi/demo@1.0>generic/zlib@1.3.1" {
		t.Fatalf("zlib = %+v", zlib)
	}
	props := map[string]bool{}
	for _, p := range zlib.Properties {
		props[p.Name+"="+p.Value] = true
	}
	if !props["pysbom:source=demo-1.0.dist-info/sboms/native.cdx.json"] || !props[binaries.PropConfidence+"=high"] {
		t.Errorf("zlib properties = %v", zlib.Properties)
	}
}
