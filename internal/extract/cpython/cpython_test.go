package cpython

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
)

const sysconfigdata = `# system configuration generated and used by the sysconfig module
build_time_vars = {'ABIFLAGS': '',
 'CC': 'gcc',
 'CONFIG_ARGS': "'--prefix=/opt/py' '--enable-shared' "
                "'--with-openssl=/usr'",
 'OPT': '-DNDEBUG -g -fwrapv -O3 -Wall',
 'Py_DEBUG': 0,
 'SOABI': 'cpython-399-x86_64-linux-gnu',
 'QUOTED': 'it\'s "here"',
 'VERSION': '3.99'}
`

func TestParseSysconfig(t *testing.T) {
	got := parseSysconfig(sysconfigdata)
	want := map[string]string{"ABIFLAGS": "", "CC": "gcc", "CONFIG_ARGS": "'--prefix=/opt/py' '--enable-shared' '--with-openssl=/usr'",
		"OPT": "-DNDEBUG -g -fwrapv -O3 -Wall", "Py_DEBUG": "0", "SOABI": "cpython-399-x86_64-linux-gnu", "QUOTED": `it's "here"`, "VERSION": "3.99"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sysconfig (-want +got):\n%s", diff)
	}
}

func gcc(t *testing.T, out, src string, args ...string) {
	t.Helper()
	c := filepath.Join(t.TempDir(), "x.c")
	os.WriteFile(c, []byte(src), 0o644)
	cmd := exec.Command("gcc", append([]string{"-O2", "-fPIC", "-shared", "-o", out, c}, args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
}

// TestFixturePrefix builds a small CPython-shaped prefix: a module with a
// bundled expat linking a library through $ORIGIN, a module whose library
// is gone, a malformed module and a broken symbolic link. The SBOM of the
// rest is produced, and each problem named.
func TestFixturePrefix(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	prefix := t.TempDir()
	stdlib := filepath.Join(prefix, "lib", "python3.99")
	dynload := filepath.Join(stdlib, "lib-dynload")
	for _, d := range []string{dynload, filepath.Join(prefix, "include", "python3.99")} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(prefix, "include", "python3.99", "patchlevel.h"), []byte("#define PY_VERSION \"3.99.1\"\n"), 0o644)
	os.WriteFile(filepath.Join(stdlib, "_sysconfigdata__linux_x86_64-linux-gnu.py"), []byte(sysconfigdata), 0o644)
	libdir := filepath.Join(prefix, "lib")
	gcc(t, filepath.Join(libdir, "libdemo.so.1"), "int demo(void) { return 1; }\n", "-Wl,-soname,libdemo.so.1")
	gcc(t, filepath.Join(libdir, "libgone.so.1"), "int gone(void) { return 2; }\n", "-Wl,-soname,libgone.so.1")
	gcc(t, filepath.Join(dynload, "pyexpat.cpython-399-x86_64-linux-gnu.so"),
		"const char v[] = \"expat_2.6.4\";\nint demo(void);\nint PyInit_pyexpat(void) { return v[0] + demo(); }\n",
		filepath.Join(libdir, "libdemo.so.1"), "-Wl,-rpath,$ORIGIN/../..")
	gcc(t, filepath.Join(dynload, "_needy.cpython-399-x86_64-linux-gnu.so"), "int gone(void);\nint PyInit__needy(void) { return gone(); }\n",
		filepath.Join(libdir, "libgone.so.1"), "-Wl,-rpath,$ORIGIN/../..")
	os.Remove(filepath.Join(libdir, "libgone.so.1"))
	os.WriteFile(filepath.Join(dynload, "_bad.cpython-399-x86_64-linux-gnu.so"), []byte("\x7fELF\x02\x01\x01 truncated"), 0o644)
	os.Symlink("nowhere.so", filepath.Join(dynload, "_broken.cpython-399-x86_64-linux-gnu.so"))

	// A build directory carries the source tree's SBOM: it says expat
	// 2.6.3, the module's bytes say 2.6.4.
	os.MkdirAll(filepath.Join(prefix, "Misc"), 0o755)
	os.WriteFile(filepath.Join(prefix, "Misc", "sbom.spdx.json"), []byte(`{"packages": [
		{"name": "expat", "versionInfo": "2.6.3", "externalRefs": [{"referenceLocator": "cpe:2.3:a:libexpat_project:libexpat:2.6.3:*:*:*:*:*:*:*"}]},
		{"name": "hacl-star", "versionInfo": "bb3d0dc8d9d15a5cd51094d5b69e70aa09005ff0"}]}`), 0o644)
	libs := syslib.New(syslib.Host)
	b := Inspect(context.Background(), syslib.Host, prefix, "", "3.99", libs, nil)
	if b.Version != "3.99.1" || b.Vars["CONFIG_ARGS"] == "" || b.Vars["OPT"] != "-DNDEBUG -g -fwrapv -O3 -Wall" {
		t.Errorf("version %q, vars %v", b.Version, b.Vars)
	}
	var problems []string
	for _, p := range append(b.Problems, libs.Problems...) {
		problems = append(problems, string(p.Kind)+" "+filepath.Base(p.Path))
	}
	slices.Sort(problems)
	want := []string{"bad-binary _bad.cpython-399-x86_64-linux-gnu.so", "missing-dependency _needy.cpython-399-x86_64-linux-gnu.so",
		"missing-file _broken.cpython-399-x86_64-linux-gnu.so"}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	interp := &inventory.Package{ID: "python/cpython@3.99", Version: "3.99", Extra: &inventory.Extra{License: inventory.License{Expression: "PSF-2.0"}}}
	parts := b.Components(interp, func(p string) string { rel, _ := filepath.Rel(prefix, p); return rel })
	libPkgs, libRels := libs.Components(func(p string) string { return p }, func(string) (*inventory.DistroPackage, bool) { return nil, false })
	parts.Packages, parts.Relationships = append(parts.Packages, libPkgs...), append(parts.Relationships, libRels...)
	var cross []string
	for _, p := range parts.Problems {
		if p.Kind == inventory.NativeConflict {
			cross = append(cross, p.Path+": "+p.Message)
		}
	}
	if diff := cmp.Diff([]string{"Misc/sbom.spdx.json: CPython's source SBOM declares expat 2.6.3, but the binaries show 2.6.4"}, cross); diff != "" {
		t.Errorf("source cross-check (-want +got):\n%s", diff)
	}
	if interp.ID != "python/cpython@3.99.1" || interp.Version != "3.99.1" || !slices.Contains(interp.More().CPEs, "cpe:2.3:a:python:python:3.99.1:*:*:*:*:*:*:*") {
		t.Errorf("interpreter = %+v", interp)
	}
	var ids []string
	for _, p := range parts.Packages {
		ids = append(ids, p.ID)
	}
	for _, id := range []string{"python/cpython@3.99.1>generic/expat@2.6.4", "python/cpython@3.99.1>module/pyexpat", "python/cpython@3.99.1>module/_needy",
		"python/cpython@3.99.1>module/_bad", "shared-library/libdemo.so.1"} {
		if !slices.Contains(ids, id) {
			t.Errorf("missing %s in %v", id, ids)
		}
	}
	rels := map[string]bool{}
	for _, r := range parts.Relationships {
		rels[r.From+" "+string(r.Type)+" "+r.To] = true
	}
	for _, r := range []string{"python/cpython@3.99.1>module/pyexpat DEPENDS_ON shared-library/libdemo.so.1",
		"python/cpython@3.99.1 CONTAINS python/cpython@3.99.1>generic/expat@2.6.4", "python/cpython@3.99.1 CONTAINS python/cpython@3.99.1>module/pyexpat"} {
		if !rels[r] {
			t.Errorf("missing relationship %s", r)
		}
	}
	for _, p := range parts.Packages {
		if p.ID == "python/cpython@3.99.1>module/pyexpat" && (len(p.Files) != 1 || !strings.HasPrefix(p.Files[0].Path, "lib/python3.99/lib-dynload/")) {
			t.Errorf("pyexpat files = %+v", p.Files)
		}
		// A module is named as one, not as the C library it wraps.
		if p.ID == "python/cpython@3.99.1>module/pyexpat" && p.Name != "CPython module pyexpat" {
			t.Errorf("pyexpat module named %q", p.Name)
		}
	}
}

// TestVersionFromBinaries: without include/pythonX.Y/patchlevel.h, the
// version is PY_VERSION in the executable's strings.
func TestVersionFromBinaries(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, "lib", "python3.99"), 0o755)
	exe := filepath.Join(prefix, "bin", "python3.99")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	gcc(t, exe, "const char v[] = \"3.99.2\";\nconst char other[] = \"3.98.7\";\nint Py_Main(void) { return v[0] + other[0]; }\n")
	b := Inspect(context.Background(), syslib.Host, prefix, exe, "3.99", syslib.New(syslib.Host), nil)
	if b.Version != "3.99.2" || b.VersionFrom != exe {
		t.Errorf("version %q from %q, want 3.99.2 from %s", b.Version, b.VersionFrom, exe)
	}
	if len(b.Core) != 1 || b.Core[0].Path != exe {
		t.Errorf("core binaries %+v", b.Core)
	}
}
