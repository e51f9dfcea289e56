package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
	"github.com/pysbom/pysbom/internal/testutil/rpmroot"
)

// TestImageRPM: an image of a RHEL-like distribution whose rpm database
// real rpm wrote: its packages with rpm purls (namespace, epoch, distro,
// source package), the vendor as supplier and the layer that added each;
// the interpreter and the distribution they installed are the distro's,
// CONTAINED by their rpm packages.
func TestImageRPM(t *testing.T) {
	for _, mode := range []string{"sqlite", "sqlite-wal", "berkeley-db"} {
		t.Run(mode, func(t *testing.T) { checkImageRPM(t, mode) })
	}
}

// checkImageRPM builds the image with the database rpm writes (as one
// file, or with the write-ahead log rpm leaves in each layer), or with it
// rewritten as Berkeley DB.
func checkImageRPM(t *testing.T, mode string) {
	bdb, wal := mode == "berkeley-db", mode == "sqlite-wal"
	rpmroot.Skip(t)
	root := t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "etc/os-release"), "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.3 (Plow)\"\n")
	rpmroot.Install(t, root, rpmroot.PythonSpec, wal)
	stage := t.TempDir()
	if bdb {
		// each layer's database, rewritten: db_load needs the SQLite one
		os.CopyFS(stage, os.DirFS(filepath.Join(root, "var/lib/rpm")))
		rpmroot.ToBerkeleyDB(t, root)
	}
	layer1 := imagetest.Dir(t, root)
	if bdb {
		os.RemoveAll(filepath.Join(root, "var/lib/rpm"))
		os.CopyFS(filepath.Join(root, "var/lib/rpm"), os.DirFS(stage))
	}
	rpmroot.Install(t, root, rpmroot.DemoSpec, wal)
	if bdb {
		rpmroot.ToBerkeleyDB(t, root)
	}
	var layer2 []imagetest.Member
	for _, m := range imagetest.Dir(t, root) {
		if strings.HasPrefix(m.Name, "var/lib/rpm/") || strings.Contains(m.Name, "demo-1.2.3") {
			layer2 = append(layer2, m)
		}
	}
	img := imagetest.Image(t, true, imagetest.Step{CreatedBy: "FROM ubi9", Members: layer1}, imagetest.Step{CreatedBy: "RUN dnf install -y python3-demo", Members: layer2})
	cfg, _ := img.ConfigFile()
	inv, err := Read(context.Background(), Target{Arg: imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "ubi.tar"), "ubi-app:1", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	py, demo := byName(inv, inventory.KindOSPackage, "python3.9"), byName(inv, inventory.KindOSPackage, "python3-demo")
	if py == nil || py.PURL != "pkg:rpm/redhat/python3.9@3.9.18-1.el9_3?arch=x86_64&distro=rhel-9.3" || py.Supplier.Name != "Red Hat, Inc." ||
		py.More().License.Declared != "Python" || prop(py, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() {
		t.Errorf("python3.9: %+v", py)
	}
	if demo == nil || demo.Version != "1:1.2.3-4.el9" || demo.PURL != "pkg:rpm/redhat/python3-demo@1.2.3-4.el9?arch=noarch&distro=rhel-9.3&epoch=1" ||
		prop(demo, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[1].String() {
		t.Fatalf("python3-demo: %+v", demo)
	}
	var interp *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter {
			interp = p
		}
	}
	if interp == nil || interp.Version != "3.9.18" || prop(interp, inventory.PropInstallationKind) != "distro" || len(interp.More().CPEs) != 0 ||
		interp.Distro == nil || interp.Distro.Manager != "rpm" || !hasRel(inv, py.ID, inventory.Contains, interp.ID) {
		t.Errorf("interpreter: %+v (%+v)", interp, interp.Distro)
	}
	dist := byName(inv, inventory.KindDistribution, "demo")
	if dist == nil || dist.Distro == nil || dist.Distro.Name != "python3-demo" || !hasRel(inv, demo.ID, inventory.Contains, dist.ID) ||
		!hasRel(inv, dist.ID, inventory.DependsOn, interp.ID) {
		t.Errorf("demo: %+v", dist)
	}
	for _, p := range inv.Problems {
		// the spec's interpreter is four bytes, not an ELF file
		if p.Kind == inventory.Unreadable && p.Path != "/usr/bin/python3.9" {
			t.Errorf("problem: %+v", p)
		}
	}
}

// TestImageRPMOtherFormats: an rpm database in a format not read yet, or
// one that does not read, is named as a problem, not silently left out.
func TestImageRPMOtherFormats(t *testing.T) {
	for name, format := range map[string]string{"var/lib/rpm/Packages": "rpm database: not a Berkeley DB hash database", "usr/lib/sysimage/rpm/Packages.db": "NDB format is not read yet",
		"var/lib/rpm/rpmdb.sqlite": "rpm database: not an rpm database: file is not a database"} {
		img := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM centos:7", Members: []imagetest.Member{
			imagetest.File("etc/os-release", "ID=\"centos\"\nVERSION_ID=\"7\"\n"), imagetest.File(name, "\x00\x06\x15\x61 not read")}})
		inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range inv.Problems {
			found = found || p.Kind == inventory.Unreadable && p.Path == "/"+name && strings.Contains(p.Message, format)
		}
		if !found {
			t.Errorf("%s: no problem names it: %+v", name, inv.Problems)
		}
	}
}

// TestImageRPMWALLayer: a layer that writes only the database's
// write-ahead log (its packages not yet checkpointed into the database a
// lower layer holds) is the layer that added them.
func TestImageRPMWALLayer(t *testing.T) {
	rpmroot.Skip(t)
	root, other := t.TempDir(), t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "etc/os-release"), "ID=\"fedora\"\nVERSION_ID=\"40\"\n")
	rpmroot.Install(t, root, rpmroot.PythonSpec, false)
	rpmroot.Install(t, other, rpmroot.DemoSpec, false)
	layer1 := imagetest.Dir(t, root)
	// The log, written while the database stays as layer 1 has it.
	_, wal := rpmroot.PendingInLog(t, root, rpmroot.Header(t, other))
	img := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM fedora", Members: layer1},
		imagetest.Step{CreatedBy: "RUN dnf install python3-demo", Members: []imagetest.Member{imagetest.File("var/lib/rpm/rpmdb.sqlite-wal", string(wal))}})
	cfg, _ := img.ConfigFile()
	inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	demo, py := byName(inv, inventory.KindOSPackage, "python3-demo"), byName(inv, inventory.KindOSPackage, "python3.9")
	if demo == nil || prop(demo, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[1].String() || py == nil || prop(py, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() {
		t.Errorf("python3-demo %+v, python3.9 %+v", demo, py)
	}
}
