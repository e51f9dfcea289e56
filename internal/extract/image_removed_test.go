package extract

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
	"github.com/pysbom/pysbom/internal/testutil/rpmroot"
)

// removedOf is the package --layers all reports as removed, by name; nil
// when there is none.
func removedOf(t *testing.T, img v1.Image, name string) *inventory.Package {
	t.Helper()
	inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{Layers: LayersAll})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range inv.Packages {
		if p.Name == name && prop(p, inventory.PropLayerRemoved) != "" {
			return p
		}
	}
	return nil
}

// TestImageRemovedAPK: an apk package a later layer's database no longer
// lists is reported removed, with its apk purl and both layers.
func TestImageRemovedAPK(t *testing.T) {
	release := imagetest.File("etc/os-release", "ID=alpine\nVERSION_ID=3.21.0\n")
	both := "P:musl\nV:1.2.5-r8\nA:x86_64\n\nP:curl\nV:8.11.1-r0\nA:x86_64\n\n"
	img := imagetest.Image(t, false,
		imagetest.Step{CreatedBy: "FROM alpine", Members: []imagetest.Member{release, imagetest.File("lib/apk/db/installed", both)}},
		imagetest.Step{CreatedBy: "RUN apk del curl", Members: []imagetest.Member{imagetest.File("lib/apk/db/installed", "P:musl\nV:1.2.5-r8\nA:x86_64\n\n")}})
	cfg, _ := img.ConfigFile()
	p := removedOf(t, img, "curl")
	if p == nil || p.PURL != "pkg:apk/alpine/curl@8.11.1-r0?distro=alpine-3.21.0" || prop(p, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() ||
		prop(p, inventory.PropLayerRemoved) != cfg.RootFS.DiffIDs[1].String() || prop(p, inventory.PropLayerRemovedBy) != "RUN apk del curl" {
		t.Errorf("curl: %+v", p)
	}
}

// TestImageRemovedRPM: an rpm package (real rpm's SQLite database) that a
// later layer's database no longer lists is reported removed, its purl
// rebuilt from the history's epoch:version-release.
func TestImageRemovedRPM(t *testing.T) {
	rpmroot.Skip(t)
	root := t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "etc/os-release"), "ID=\"rhel\"\nVERSION_ID=\"9.3\"\n")
	rpmroot.Install(t, root, rpmroot.PythonSpec, false)
	var pythonOnly []imagetest.Member
	for _, m := range imagetest.Dir(t, root) {
		if strings.HasPrefix(m.Name, "var/lib/rpm/") {
			pythonOnly = append(pythonOnly, m)
		}
	}
	rpmroot.Install(t, root, rpmroot.DemoSpec, false)
	img := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM ubi9", Members: imagetest.Dir(t, root)},
		imagetest.Step{CreatedBy: "RUN dnf remove -y python3-demo", Members: pythonOnly})
	cfg, _ := img.ConfigFile()
	p := removedOf(t, img, "python3-demo")
	if p == nil || p.PURL != "pkg:rpm/redhat/python3-demo@1.2.3-4.el9?arch=noarch&distro=rhel-9.3&epoch=1" ||
		prop(p, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() || prop(p, inventory.PropLayerRemoved) != cfg.RootFS.DiffIDs[1].String() {
		t.Errorf("python3-demo: %+v", p)
	}
}
