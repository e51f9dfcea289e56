package extract

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
)

func prop(p *inventory.Package, name string) string {
	for _, pr := range p.Properties {
		if pr.Name == name {
			return pr.Value
		}
	}
	return ""
}

func byName(inv *inventory.Inventory, kind inventory.Kind, name string) *inventory.Package {
	for _, p := range inv.Packages {
		if p.Kind == kind && p.Name == name {
			return p
		}
	}
	return nil
}

func hasRel(inv *inventory.Inventory, from string, typ inventory.RelType, to string) bool {
	return slices.ContainsFunc(inv.Relationships, func(r inventory.Relationship) bool {
		return r.From == from && r.Type == typ && r.To == to
	})
}

// TestImage reads the fixture image in each form: OS packages with the
// layer that added and upgraded them, the distro's, the source-built
// and the virtualenv's Python, what later layers removed left out.
func TestImage(t *testing.T) {
	dir := t.TempDir()
	for _, form := range []string{"docker-archive", "oci-dir", "oci-archive"} {
		t.Run(form, func(t *testing.T) {
			img := imagetest.PythonImage(t, form != "oci-dir")
			var arg string
			switch form {
			case "docker-archive":
				arg = "docker-archive:" + imagetest.DockerArchive(t, filepath.Join(dir, "app.tar"), "example.com/team/app:1.0", img)
			case "oci-dir":
				arg = "oci-dir:" + imagetest.OCIDir(t, filepath.Join(dir, "layout"), "1.0", img)
			case "oci-archive":
				arg = "oci-archive:" + imagetest.Tarred(t, imagetest.OCIDir(t, filepath.Join(dir, "layout2"), "1.0", img), filepath.Join(dir, "app.oci.tar"))
			}
			inv, err := Read(context.Background(), Target{Arg: arg}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, inv, img)
		})
	}
}

func checkImage(t *testing.T, inv *inventory.Inventory, img v1.Image) {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	layer := func(i int) string { return cfg.RootFS.DiffIDs[i-1].String() }
	root := inv.Root
	if root.Kind != inventory.KindImage || !strings.HasPrefix(root.PURL, "pkg:oci/") || !strings.Contains(root.PURL, "arch=amd64") ||
		prop(root, inventory.PropImageDistro) != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("root %+v", root)
	}
	libc := byName(inv, inventory.KindOSPackage, "libc6")
	if libc == nil || libc.Version != "2.36-9+deb12u7" || libc.PURL != "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc" ||
		prop(libc, inventory.PropLayerAdded) != layer(1) || prop(libc, inventory.PropLayerChanged) != layer(2) ||
		prop(libc, inventory.PropLayerChangedBy) != "RUN apt-get update && apt-get upgrade -y" {
		t.Errorf("libc6: %+v", libc)
	}
	six := byName(inv, inventory.KindDistribution, "six")
	if six == nil || six.Distro == nil || six.Distro.Name != "python3-six" || prop(six, inventory.PropLayerAdded) != layer(1) ||
		prop(six, inventory.PropInstallationKind) != "distro" {
		t.Fatalf("six: %+v", six)
	}
	var distroPy, localPy *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter {
			switch prop(p, inventory.PropInstallation) {
			case "/usr":
				distroPy = p
			case "/usr/local":
				localPy = p
			}
		}
	}
	if distroPy == nil || distroPy.Version != "3.11.2" || distroPy.Distro == nil || len(distroPy.CPEs) != 0 ||
		!hasRel(inv, "deb/python3.11-minimal:amd64@3.11.2-6+deb12u6", inventory.Contains, distroPy.ID) || !hasRel(inv, six.ID, inventory.DependsOn, distroPy.ID) {
		t.Errorf("distro python: %+v", distroPy)
	}
	if localPy == nil || localPy.Version != "3.12.7" || prop(localPy, inventory.PropInstallationKind) != "source-built" ||
		len(localPy.CPEs) != 1 || prop(localPy, inventory.PropLayerAdded) != layer(3) {
		t.Fatalf("source-built python: %+v", localPy)
	}
	pip := byName(inv, inventory.KindDistribution, "pip")
	if pip == nil || !hasRel(inv, pip.ID, inventory.DependsOn, localPy.ID) || prop(pip, inventory.PropLayerAddedBy) != "RUN ./configure --prefix=/usr/local && make install" {
		t.Errorf("pip: %+v", pip)
	}
	req := byName(inv, inventory.KindDistribution, "requests")
	if req == nil || req.Version != "2.32.3" || prop(req, inventory.PropInstallationKind) != "venv" || req.Python.Location != "/app/.venv/lib/python3.12/site-packages" ||
		prop(req, inventory.PropLayerAdded) != layer(5) || !hasRel(inv, req.ID, inventory.DependsOn, localPy.ID) {
		t.Errorf("requests: %+v", req)
	}
	if byName(inv, inventory.KindDistribution, "attrs") != nil {
		t.Error("attrs, removed by layer 5, is reported")
	}
	for _, p := range inv.Problems {
		if p.Kind != inventory.NoSupplier {
			t.Errorf("problem: %+v", p)
		}
	}
}
