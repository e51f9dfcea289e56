package extract

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
)

// TestImageCPythonLinks: a CPython built into /usr/local of an image is
// read as in a directory (its lib-dynload modules, hashed), and the
// libraries its modules link are the image's: found through the image's
// ld.so.conf and merged /usr, never on the host, owned by the image's
// Debian package, and added by the layer that installed them.
func TestImageCPythonLinks(t *testing.T) {
	tmp := t.TempDir()
	l1, l2 := filepath.Join(tmp, "1"), filepath.Join(tmp, "2")
	// Layer 1: the distribution, with libdemo1 in a directory only the
	// image's ld.so.conf names; /lib is /usr/lib (merged /usr).
	libdir := filepath.Join(l1, "usr/lib/demo")
	fixture.SharedObject(t, filepath.Join(libdir, "libdemo.so.1.0"), "const char v[] = \"demo\";\nint demo(void) { return v[0]; }\n", "-Wl,-soname,libdemo.so.1")
	if err := os.Symlink("libdemo.so.1.0", filepath.Join(libdir, "libdemo.so.1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("usr/lib", filepath.Join(l1, "lib")); err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(l1, "etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
	fixture.WriteFile(t, filepath.Join(l1, "etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n")
	fixture.WriteFile(t, filepath.Join(l1, "etc/ld.so.conf.d/demo.conf"), "/lib/demo\n")
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/status"),
		"Package: libdemo1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-2\nMaintainer: Demo <demo@example.org>\n\n")
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/info/libdemo1:amd64.list"), "/usr/lib/demo\n/usr/lib/demo/libdemo.so.1.0\n/usr/lib/demo/libdemo.so.1\n")

	// Layer 2: CPython 3.99.1 built into /usr/local; its _demo module
	// links libdemo.so.1.
	local := filepath.Join(l2, "usr/local")
	fixture.WriteFile(t, filepath.Join(local, "include/python3.99/patchlevel.h"), "#define PY_VERSION \"3.99.1\"\n")
	fixture.SharedObject(t, filepath.Join(local, "bin/python3.99"), "int main(void) { return 0; }\n")
	fixture.SharedObject(t, filepath.Join(local, "lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so"),
		"int demo(void);\nint PyInit__demo(void) { return demo(); }\n", filepath.Join(libdir, "libdemo.so.1.0"))
	fixture.Write(t, filepath.Join(local, "lib/python3.99/site-packages"), fixture.Dist{Name: "pip", Version: "25.0", Metadata: "Author: pip"})

	img := imagetest.Image(t, true, imagetest.Step{CreatedBy: "FROM debian", Members: imagetest.Dir(t, l1)},
		imagetest.Step{CreatedBy: "RUN make install", Members: imagetest.Dir(t, l2)})
	cfg, _ := img.ConfigFile()
	inv, err := Read(context.Background(), Target{Arg: imagetest.DockerArchive(t, filepath.Join(tmp, "img.tar"), "demo:1", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mod := byName(inv, inventory.KindLibrary, "CPython module _demo")
	lib := inv.Find("shared-library/libdemo.so.1")
	if mod == nil || len(mod.Files) != 1 || mod.Files[0].Path != "/usr/local/lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so" ||
		mod.Files[0].Hash(inventory.SHA256) == "" || prop(mod, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[1].String() {
		t.Fatalf("module: %+v", mod)
	}
	if lib == nil || !hasRel(inv, mod.ID, inventory.DependsOn, lib.ID) || len(lib.Files) != 1 || lib.Files[0].Path != "/usr/lib/demo/libdemo.so.1.0" ||
		lib.Distro == nil || lib.Distro.Name != "libdemo1" || !hasRel(inv, "deb/libdemo1:amd64@1.0-2", inventory.Contains, lib.ID) ||
		prop(lib, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() {
		t.Fatalf("libdemo.so.1: %+v, its package %+v", lib, lib.Distro)
	}
	for _, p := range inv.Problems {
		if p.Kind == inventory.MissingDependency {
			t.Errorf("problem: %+v", p)
		}
	}
}
