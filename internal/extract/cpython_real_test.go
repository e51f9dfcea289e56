package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

func cpythonParts(t *testing.T, arg string) (*inventory.Inventory, map[string]*inventory.Package) {
	t.Helper()
	env, err := target.Resolve(context.Background(), arg, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Environment(context.Background(), env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*inventory.Package{}
	for _, p := range inv.Packages {
		byID[p.ID] = p
	}
	return inv, byID
}

// TestPyenvCPython: pyenv's 3.11.7, built from source against Debian 12's
// libraries, with its bundled expat and libmpdec, and OpenSSL, SQLite,
// zlib, libffi, bzip2 and xz linked from Debian packages.
func TestPyenvCPython(t *testing.T) {
	prefix := realdata.PyenvPrefix(t, "3.11.7")
	inv, byID := cpythonParts(t, prefix)
	cp := byID["python/cpython@3.11.7"]
	if cp == nil {
		t.Fatal("no CPython 3.11.7 component")
	}
	props := map[string]string{}
	for _, p := range cp.Properties {
		props[p.Name] = p.Value
	}
	if props["pysbom:cpython:version-from"] != "include/python3.11/patchlevel.h" || !strings.Contains(props["pysbom:cpython:CONFIG_ARGS"], "--prefix=") {
		t.Errorf("CPython properties = %v", props)
	}
	for _, id := range []string{"python/cpython@3.11.7>generic/expat@2.5.0", "python/cpython@3.11.7>generic/mpdecimal@2.5.1",
		"python/cpython@3.11.7>module/_ssl", "python/cpython@3.11.7>module/pyexpat"} {
		if byID[id] == nil {
			t.Errorf("missing %s", id)
		}
	}
	if m := byID["python/cpython@3.11.7>module/_ssl"]; m != nil && (len(m.Files) != 1 || m.Files[0].Hash(inventory.SHA256) == "") {
		t.Errorf("_ssl files = %+v", m.Files)
	}
	// The zlib module is not the zlib library it links.
	if m, lib := byID["python/cpython@3.11.7>module/zlib"], byID["shared-library/libz.so.1"]; m == nil || m.Name != "CPython module zlib" || lib != nil && lib.Name != "zlib" {
		t.Errorf("zlib module %+v, library %+v", m, lib)
	}
	linked := map[string]string{ // soname -> Debian package
		"libcrypto.so.3": "libssl3", "libssl.so.3": "libssl3", "libsqlite3.so.0": "libsqlite3-0", "libz.so.1": "zlib1g",
		"libffi.so.8": "libffi8", "libbz2.so.1.0": "libbz2-1.0", "liblzma.so.5": "liblzma5",
	}
	for soname, deb := range linked {
		p := byID["shared-library/"+soname]
		if p == nil {
			t.Errorf("%s not linked", soname)
			continue
		}
		if p.Distro == nil || p.Distro.Name != deb || !strings.HasPrefix(p.Distro.PURL, "pkg:deb/debian/"+deb+"@") {
			t.Errorf("%s: distro %+v, want %s", soname, p.Distro, deb)
		}
		if p.Version == "" || !strings.Contains(p.Distro.Version, p.Version) {
			t.Errorf("%s: version %q, Debian %s", soname, p.Version, p.Distro.Version)
		}
	}
	if p := byID["shared-library/libcrypto.so.3"]; p != nil && (p.Name != "openssl" || !strings.HasPrefix(p.Version, "3.0.")) {
		t.Errorf("libcrypto = %s %s, want openssl 3.0.x", p.Name, p.Version)
	}
	has := func(from string, typ inventory.RelType, to string) bool {
		for _, r := range inv.Relationships {
			if r.From == from && r.Type == typ && r.To == to {
				return true
			}
		}
		return false
	}
	if !has("python/cpython@3.11.7>module/_ssl", inventory.DependsOn, "shared-library/libssl.so.3") ||
		!has("python/cpython@3.11.7", inventory.Contains, "python/cpython@3.11.7>generic/expat@2.5.0") ||
		!has("shared-library/libssl.so.3", inventory.DependsOn, "shared-library/libcrypto.so.3") {
		t.Error("relationships missing: _ssl DEPENDS_ON libssl, CPython CONTAINS expat, libssl DEPENDS_ON libcrypto")
	}
	if byID["shared-library/libexpat.so.1"] != nil && has("python/cpython@3.11.7>module/pyexpat", inventory.DependsOn, "shared-library/libexpat.so.1") {
		t.Error("pyenv's pyexpat links the system expat; it bundles its own")
	}
	bundled := 0
	for id := range byID {
		if strings.HasPrefix(id, "python/cpython@3.11.7>bundled/pypi/pip@") || strings.HasPrefix(id, "python/cpython@3.11.7>bundled/pypi/setuptools@") {
			bundled++
		}
	}
	if bundled < 2 {
		t.Errorf("%d ensurepip components, want pip and setuptools and what they vendor", bundled)
	}
}

// TestDebianCPython: Debian's python3.11 links the system expat (pyexpat is
// built into the interpreter); its _decimal carries libmpdec 2.5.1 (the
// bytes show a bundled copy: the module links no libmpdec).
func TestDebianCPython(t *testing.T) {
	exe := "/usr/bin/python3.11"
	if _, err := os.Stat(exe); err != nil {
		t.Skip("Debian's python3.11 is not installed")
	}
	inv, byID := cpythonParts(t, exe)
	var cp *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter {
			cp = p
		}
	}
	if cp == nil || !strings.HasPrefix(cp.Version, "3.11.") {
		t.Fatalf("interpreter = %+v", cp)
	}
	if cp.Distro == nil || !strings.HasPrefix(cp.Distro.Name, "python3.11") {
		t.Errorf("CPython's Debian package = %+v", cp.Distro)
	}
	expat := byID["shared-library/libexpat.so.1"]
	if expat == nil || expat.Distro == nil || expat.Distro.Name != "libexpat1" {
		t.Fatalf("system expat not linked: %+v", expat)
	}
	for _, r := range inv.Relationships {
		if r.To == cp.ID+">generic/expat@2.5.0" {
			t.Error("Debian's CPython shows a bundled expat")
		}
	}
	found := false
	for _, r := range inv.Relationships {
		if r.From == cp.ID && r.Type == inventory.DependsOn && r.To == expat.ID {
			found = true
		}
	}
	if !found {
		t.Error("CPython does not DEPEND_ON the system expat")
	}
}

// TestEveryPyenvCPython reads every pyenv installation: the version its
// files show is the folder's name.
func TestEveryPyenvCPython(t *testing.T) {
	root := realdata.PyenvRoot(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "versions", "*"))
	for _, d := range dirs {
		v := filepath.Base(d)
		t.Run(v, func(t *testing.T) {
			inv, _ := cpythonParts(t, d)
			for _, p := range inv.Packages {
				if p.Kind == inventory.KindInterpreter && p.Version != v {
					t.Errorf("interpreter version %s, want %s", p.Version, v)
				}
			}
		})
	}
}
