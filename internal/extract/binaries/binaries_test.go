package binaries

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Sources of a fake wheel's binaries: an extension module that carries
// expat's version string and a Cargo registry path, a bundled zlib renamed
// by auditwheel, and a bundled library without any version evidence.
const (
	extC = `const char expat_version[] = "expat_2.5.0";
const char crate_path[] = "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/itoa-1.0.11/src/lib.rs";
int PyInit_demo(void) { return expat_version[0] + crate_path[0]; }
`
	zlibC = `const char deflate_copyright[] = " deflate 1.2.13 Copyright 1995-2022 Jean-loup Gailly and Mark Adler ";
int deflate(int x) { return deflate_copyright[x]; }
`
	fooC = `int foo(int x) { return x + 1; }
`
)

// Build compiles the fixture binaries with gcc into a map file system.
func build(t *testing.T) fstest.MapFS {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed: binary fixtures are compiled at test time")
	}
	dir := t.TempDir()
	fsys := fstest.MapFS{}
	for _, b := range []struct{ src, out, soname string }{
		{extC, "demo/_demo.cpython-311-x86_64-linux-gnu.so", ""},
		{zlibC, "demo.libs/libz-0a1b2c3d.so.1.2.13", "libz.so.1"},
		{fooC, "demo.libs/libfoo-12345678.so.1.0.0", "libfoo.so.1"},
	} {
		src := filepath.Join(dir, "x.c")
		os.WriteFile(src, []byte(b.src), 0o644)
		out := filepath.Join(dir, "out.so")
		args := []string{"-O2", "-fPIC", "-shared", "-o", out, src}
		if b.soname != "" {
			args = append(args, "-Wl,-soname,"+b.soname)
		}
		if msg, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, msg)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		fsys[b.out] = &fstest.MapFile{Data: data}
	}
	fsys["demo/__init__.py"] = &fstest.MapFile{Data: []byte("")}
	fsys["demo.libs/libbz2-5f2e0d1c9a8b7c6d.dll"] = &fstest.MapFile{Data: []byte("MZ\x90\x00 a DLL as delvewheel names it")}
	fsys["demo/.dylibs/libz.1.2.13.dylib"] = &fstest.MapFile{Data: []byte("\xcf\xfa\xed\xfe a Mach-O dylib")}
	fsys["demo/broken.so"] = &fstest.MapFile{Data: []byte("\x7fELF\x02\x01\x01")}
	return fsys
}

func dist(fsys fstest.MapFS) *inventory.Package {
	d := &inventory.Package{ID: "pypi/demo@1.0", Name: "demo", Version: "1.0"}
	for name := range fsys {
		d.Files = append(d.Files, inventory.File{Path: name})
	}
	return d
}

func TestObserve(t *testing.T) {
	fsys := build(t)
	res := Observe(fsys, dist(fsys), nil)
	type row struct{ Name, Version, PURL, Confidence, File string }
	got := map[string]row{}
	for _, p := range res.Doc.Packages {
		r := row{Name: p.Name, Version: p.Version, PURL: p.PURL}
		for _, pr := range p.Properties {
			switch pr.Name {
			case PropConfidence:
				r.Confidence = pr.Value
			case PropFile:
				r.File = pr.Value
			}
		}
		key := p.Name
		if p.Version == "" && p.Name == "zlib" {
			key = "zlib@" // the same project, from another file, without a version
		}
		got[key] = r
	}
	want := map[string]row{
		"expat":  {"expat", "2.5.0", "pkg:generic/expat@2.5.0", "high", ""},
		"itoa":   {"itoa", "1.0.11", "pkg:cargo/itoa@1.0.11", "medium", ""},
		"zlib":   {"zlib", "1.2.13", "pkg:generic/zlib@1.2.13", "high", "demo.libs/libz-0a1b2c3d.so.1.2.13"},
		"libfoo": {"libfoo", "", "pkg:generic/libfoo", "low", "demo.libs/libfoo-12345678.so.1.0.0"},
		"bzip2":  {"bzip2", "", "pkg:generic/bzip2", "low", "demo.libs/libbz2-5f2e0d1c9a8b7c6d.dll"},
		"zlib@":  {"zlib", "", "pkg:generic/zlib", "low", "demo/.dylibs/libz.1.2.13.dylib"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if res.Binaries != 5 {
		t.Errorf("%d binaries read, want 5", res.Binaries)
	}
	if len(res.Problems) != 1 || res.Problems[0].Kind != inventory.BadBinary || res.Problems[0].Path != "demo/broken.so" ||
		!strings.Contains(res.Problems[0].Message, "truncated") {
		t.Errorf("problems = %+v, want demo/broken.so truncated", res.Problems)
	}
}

func TestCandidate(t *testing.T) {
	for p, want := range map[string]bool{
		"a/_x.cpython-311-x86_64-linux-gnu.so": true, "a.libs/libz-0a1b2c3d.so.1.2.13": true, "numpy.libs/anything": true,
		"a/_x.pyd": true, "a/.dylibs/libz.1.dylib": true, "a/x.py": false, "a/so.txt": false, "a/soname.txt": false,
	} {
		if Candidate(p) != want {
			t.Errorf("Candidate(%q) = %v", p, !want)
		}
	}
}
