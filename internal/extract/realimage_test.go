package extract

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// TestRealDebianImage reads the real image bench/debian-image.sh builds:
// Debian 12 minbase with python3, pyenv's CPython 3.12.1 in /usr/local and
// a virtualenv on it in /app/.venv. Its oracles are independent of the
// image reader: dpkg-query's list of installed packages, the image's own
// config (layer diff IDs), and pysbom's directory SBOM of the very files
// that were copied into the image.
func TestRealDebianImage(t *testing.T) {
	image, packages := realdata.DebianImage(t)
	inv, err := Read(context.Background(), Target{Arg: "docker-archive:" + image}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(image, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.RootFS.DiffIDs) != 3 {
		t.Fatalf("the image has %d layers, the builder makes 3", len(cfg.RootFS.DiffIDs))
	}
	layer := func(i int) string { return cfg.RootFS.DiffIDs[i-1].String() }

	// docker save writes no manifest digest: the purl has no version,
	// the config digest (docker's image ID) names the image.
	root := inv.Root
	id, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if prop(root, inventory.PropImageConfigDigest) != id.String() {
		t.Errorf("config digest %q, the image's is %s", prop(root, inventory.PropImageConfigDigest), id)
	}
	for _, want := range []string{"pkg:oci/debian12-python?", "repository_url=pysbom.test%2Fdebian12-python", "tag=3.12.1", "arch=amd64"} {
		if !strings.Contains(root.PURL, want) {
			t.Errorf("image purl %s lacks %s", root.PURL, want)
		}
	}
	if prop(root, inventory.PropImageDistro) != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("image distro %q", prop(root, inventory.PropImageDistro))
	}

	everyLayerNamed(t, inv)
	// Every package dpkg-query lists, no other, each added by layer 1.
	oracle, err := os.ReadFile(packages)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(oracle)), "\n")
	var got []string
	debs := map[string]*inventory.Package{}
	for _, p := range inv.Packages {
		if p.Kind != inventory.KindOSPackage {
			continue
		}
		arch := regexp.MustCompile(`arch=([^&]+)`).FindStringSubmatch(p.PURL)
		if arch == nil || !strings.Contains(p.PURL, "distro=debian-12") {
			t.Errorf("%s: purl %s has no arch or distro=debian-12", p.Name, p.PURL)
			continue
		}
		got = append(got, p.Name+" "+p.Version+" "+arch[1])
		debs[p.Name] = p
		if prop(p, inventory.PropLayerAdded) != layer(1) || prop(p, inventory.PropLayerChanged) != "" {
			t.Errorf("%s: added by %q, changed by %q; layer 1 added it", p.Name, prop(p, inventory.PropLayerAdded), prop(p, inventory.PropLayerChanged))
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Debian packages differ from dpkg-query's %d:\n got %d: %v", len(want), len(got), got)
	}

	// The distro's interpreter: the version of the package that ships it.
	distroPy, localPy := interpreterAt(inv, "/usr"), interpreterAt(inv, "/usr/local")
	minimal := debs["python3.11-minimal"]
	if minimal == nil || distroPy == nil {
		t.Fatalf("no python3.11-minimal (%v) or no distro interpreter (%v)", minimal, distroPy)
	}
	if up, _, _ := strings.Cut(minimal.Version, "-"); distroPy.Version != up || prop(distroPy, inventory.PropInstallationKind) != "distro" ||
		len(distroPy.More().CPEs) != 0 || !hasRel(inv, minimal.ID, inventory.Contains, distroPy.ID) {
		t.Errorf("distro python %+v; python3.11-minimal %s", distroPy, minimal.Version)
	}

	// /usr/local: what pysbom says of the same files on disk.
	prefix := realdata.PyenvPrefix(t, "3.12.1")
	onDisk, err := Read(context.Background(), Target{Arg: prefix}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	diskPy := onDisk.Root
	for _, p := range onDisk.Packages {
		if p.Kind == inventory.KindInterpreter {
			diskPy = p
		}
	}
	if localPy == nil || localPy.Version != diskPy.Version || strings.Join(localPy.More().CPEs, " ") != strings.Join(diskPy.More().CPEs, " ") ||
		prop(localPy, inventory.PropInstallationKind) != "source-built" || prop(localPy, inventory.PropLayerAdded) != layer(2) {
		t.Fatalf("/usr/local python %+v; on disk %s %v", localPy, diskPy.Version, diskPy.More().CPEs)
	}
	for _, name := range []string{"expat", "mpdecimal"} {
		if d := byName(onDisk, inventory.KindLibrary, name); d != nil {
			if i := byName(inv, inventory.KindLibrary, name); i == nil || i.Version != d.Version || !hasRel(inv, localPy.ID, inventory.Contains, i.ID) {
				t.Errorf("%s %s compiled into CPython on disk; in the image: %+v", name, d.Version, i)
			}
		}
	}
	samePackage(t, byName(onDisk, inventory.KindDistribution, "pip"), byNameAt(inv, "pip", "/usr/local/lib/python3.12/site-packages"))
	modules := 0
	for _, d := range onDisk.Packages {
		if !strings.HasPrefix(d.Name, "CPython module ") {
			continue
		}
		modules++
		var in *inventory.Package
		for _, p := range inv.Packages {
			if p.Name == d.Name && hasRel(inv, localPy.ID, inventory.Contains, p.ID) {
				in = p
			}
		}
		if in == nil || in.Version != d.Version || len(in.Files) != 1 || in.Files[0].Hash(inventory.SHA256) != d.Files[0].Hash(inventory.SHA256) ||
			in.Files[0].Path != "/usr/local/"+d.Files[0].Path || prop(in, inventory.PropLayerAdded) != layer(2) {
			t.Errorf("%s: on disk %+v, in the image %+v", d.Name, d.Files, in)
		}
	}
	if modules < 50 {
		t.Errorf("the prefix on disk has %d lib-dynload modules", modules)
	}

	// /app/.venv: the distributions the builder copied, on the /usr/local
	// interpreter, added by layer 3, their files as on the host.
	site311 := filepath.Join(realdata.PyenvPrefix(t, "3.11.7"), "lib", "python3.11", "site-packages")
	host, err := Read(context.Background(), Target{Arg: site311}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	venv := "/app/.venv/lib/python3.12/site-packages"
	for _, name := range []string{"requests", "urllib3", "idna", "certifi", "charset-normalizer", "cryptography", "cffi", "pycparser"} {
		d := byNameAt(inv, name, venv)
		if d == nil {
			t.Errorf("%s: not found in %s", name, venv)
			continue
		}
		if prop(d, inventory.PropInstallationKind) != "venv" || prop(d, inventory.PropLayerAdded) != layer(3) || !hasRel(inv, d.ID, inventory.DependsOn, localPy.ID) {
			t.Errorf("%s: kind %q, layer %q, on %s: %v", name, prop(d, inventory.PropInstallationKind), prop(d, inventory.PropLayerAdded), localPy.ID, hasRel(inv, d.ID, inventory.DependsOn, localPy.ID))
		}
		samePackage(t, byName(host, inventory.KindDistribution, name), d)
	}
	if !hasRel(inv, byNameAt(inv, "requests", venv).ID, inventory.DependsOn, byNameAt(inv, "urllib3", venv).ID) {
		t.Error("requests does not depend on the venv's urllib3")
	}

	// The libraries CPython links are the image's, resolved by its
	// loader and owned by its packages: _ssl uses Debian's libssl3.
	ssl := byName(inv, inventory.KindLibrary, "CPython module _ssl")
	libssl := inv.Find("shared-library/libssl.so.3")
	if ssl == nil || libssl == nil || !hasRel(inv, ssl.ID, inventory.DependsOn, libssl.ID) {
		t.Fatalf("_ssl %v does not depend on the image's libssl.so.3 %v", ssl, libssl)
	}
	deb := debs["libssl3"]
	if up, _, _ := strings.Cut(deb.Version, "-"); libssl.Version != up || libssl.Distro == nil || libssl.Distro.Name != "libssl3" ||
		!hasRel(inv, deb.ID, inventory.Contains, libssl.ID) || len(libssl.Files) != 1 || libssl.Files[0].Path != "/usr/lib/x86_64-linux-gnu/libssl.so.3" {
		t.Errorf("libssl.so.3 %+v (%+v); Debian's libssl3 %s", libssl, libssl.Distro, deb.Version)
	}

	// A wheel's extension links the image's C library, not the host's.
	crypto, libc := byNameAt(inv, "cryptography", venv), inv.Find("shared-library/libc.so.6")
	if libc == nil || libc.Distro == nil || libc.Distro.Name != "libc6" || libc.Distro.Version != debs["libc6"].Version ||
		!hasRel(inv, crypto.ID, inventory.DependsOn, libc.ID) {
		t.Errorf("cryptography does not depend on the image's libc.so.6 %+v", libc)
	}

	// Problems: only what the directory SBOMs of the same files name
	// (the prefix's paths in /usr/local), and libraries CPython
	// was built to link that the image does not have.
	known := map[string]bool{}
	for _, src := range []*inventory.Inventory{onDisk, host} {
		for _, p := range src.Problems {
			// The prefix's SBOM names its files relative to the prefix.
			known[string(p.Kind)+" "+p.Path] = true
			known[string(p.Kind)+" /usr/local/"+p.Path] = true
		}
	}
	missing := regexp.MustCompile(`needs (lib[^ ]+)\.so, which the dynamic loader would not find`)
	for _, p := range inv.Problems {
		if m := missing.FindStringSubmatch(p.Message); p.Kind == inventory.MissingDependency && m != nil {
			if debs[m[1]] != nil {
				t.Errorf("%s: Debian's %s is installed", p.Message, m[1])
			}
			continue
		}
		if !known[string(p.Kind)+" "+p.Path] {
			t.Errorf("problem the files on disk do not have: %+v", p)
		}
	}
}

// byNameAt is the distribution name installed in the site directory dir.
func byNameAt(inv *inventory.Inventory, name, dir string) *inventory.Package {
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindDistribution && p.Name == name && p.Python != nil && p.Python.Location == dir {
			return p
		}
	}
	return nil
}

// samePackage: a distribution read from the image has the version, purl
// and files (paths and SHA-256) of the same distribution read on disk.
func samePackage(t *testing.T, disk, image *inventory.Package) {
	t.Helper()
	if disk == nil || image == nil {
		t.Errorf("on disk %v, in the image %v", disk, image)
		return
	}
	if disk.Version != image.Version || disk.PURL != image.PURL || len(disk.Files) != len(image.Files) {
		t.Errorf("%s: on disk %s %s %d files, in the image %s %s %d files", disk.Name, disk.Version, disk.PURL, len(disk.Files), image.Version, image.PURL, len(image.Files))
		return
	}
	files := map[string]string{}
	for _, f := range disk.Files {
		files[f.Path] = f.Hash(inventory.SHA256)
	}
	for _, f := range image.Files {
		if h := f.Hash(inventory.SHA256); h == "" || files[f.Path] != h {
			t.Errorf("%s: %s has sha256 %q in the image, %q on disk", disk.Name, f.Path, h, files[f.Path])
		}
	}
}
