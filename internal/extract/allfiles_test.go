package extract

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// TestAllFiles: --files all lists every regular file of a root once, with
// its checksums, under what installed it: the dpkg package (through
// merged /usr), the CPython built into /usr/local (its standard library),
// else the root; a distribution's files stay with the distribution.
func TestAllFiles(t *testing.T) {
	root := t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n")
	fixture.WriteFile(t, filepath.Join(root, "etc/hostname"), "box\n")
	fixture.WriteFile(t, filepath.Join(root, "usr/lib/demo.so"), "not really\n")
	if err := os.Symlink("usr/lib", filepath.Join(root, "lib")); err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(root, "var/lib/dpkg/status"),
		"Package: libdemo1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\nMaintainer: Demo <d@example.org>\n\n")
	fixture.WriteFile(t, filepath.Join(root, "var/lib/dpkg/info/libdemo1:amd64.list"), "/lib\n/lib/demo.so\n")
	local := filepath.Join(root, "usr/local")
	fixture.WriteFile(t, filepath.Join(local, "bin/python3.99"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(local, "include/python3.99/patchlevel.h"), "#define PY_VERSION \"3.99.1\"\n")
	fixture.WriteFile(t, filepath.Join(local, "lib/python3.99/os.py"), "# os\n")
	fixture.Write(t, filepath.Join(local, "lib/python3.99/site-packages"), fixture.Dist{Name: "demo", Version: "1.0", Metadata: "Author: Demo",
		Files: map[string]string{"demo/__init__.py": "x = 1\n"}})

	inv, err := Read(context.Background(), Target{Arg: "dir:" + root}, Options{Files: FilesAll})
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string][]string{} // file -> who lists it
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		for _, f := range p.Files {
			name := f.Path
			if p.Python != nil && p.Python.Location != "" {
				name = filepath.Join(p.Python.Location, name)
			}
			holders[name] = append(holders[name], string(p.Kind)+" "+p.Name)
			if f.Hash(inventory.SHA256) == "" {
				t.Errorf("%s has no SHA-256", name)
			}
		}
	}
	for name, want := range map[string]string{
		"/usr/lib/demo.so":                "os-package libdemo1",
		"/usr/local/lib/python3.99/os.py": "interpreter CPython",
		"/etc/hostname":                   "environment " + inv.Root.Name,
		"/usr/local/lib/python3.99/site-packages/demo/__init__.py": "distribution demo",
	} {
		if got := holders[name]; !slices.Equal(got, []string{want}) {
			t.Errorf("%s is listed by %v, want %s", name, got, want)
		}
	}
	for name, by := range holders {
		if len(by) > 1 {
			t.Errorf("%s is listed twice: %v", name, by)
		}
	}
}

// TestAllFilesTooLarge: a file larger than --files all hashes (a sparse
// member of gigabytes) is listed without checksums and named.
func TestAllFilesTooLarge(t *testing.T) {
	defer func(n int64) { maxHashedFile = n }(maxHashedFile)
	maxHashedFile = 8
	root := t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n")
	fixture.WriteFile(t, filepath.Join(root, "var/big"), "more than eight bytes\n")
	inv, err := Read(context.Background(), Target{Arg: "dir:" + root}, Options{Files: FilesAll})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(inv.Root.Files, func(f inventory.File) bool { return f.Path == "/var/big" })
	if i < 0 || len(inv.Root.Files[i].Hashes) != 0 || inv.Root.Files[i].Size != 22 {
		t.Errorf("files %+v", inv.Root.Files)
	}
	if !slices.ContainsFunc(inv.Problems, func(p inventory.Problem) bool { return p.Path == "/var/big" && p.Kind == inventory.Unreadable }) {
		t.Errorf("problems %+v", inv.Problems)
	}
}
