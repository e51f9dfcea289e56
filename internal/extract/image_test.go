package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
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
	everyLayerNamed(t, inv)
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
	distroPy, localPy := interpreterAt(inv, "/usr"), interpreterAt(inv, "/usr/local")
	if distroPy == nil || distroPy.Version != "3.11.2" || distroPy.Distro == nil || len(distroPy.More().CPEs) != 0 ||
		!hasRel(inv, "deb/python3.11-minimal:amd64@3.11.2-6+deb12u6", inventory.Contains, distroPy.ID) || !hasRel(inv, six.ID, inventory.DependsOn, distroPy.ID) {
		t.Errorf("distro python: %+v", distroPy)
	}
	if localPy == nil || localPy.Version != "3.12.7" || prop(localPy, inventory.PropInstallationKind) != "source-built" ||
		len(localPy.More().CPEs) != 1 || prop(localPy, inventory.PropLayerAdded) != layer(3) {
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
		// The fixture's interpreters are a few bytes, not ELF files: read
		// as binaries, they are named as such.
		if p.Kind != inventory.NoSupplier && (p.Kind != inventory.BadBinary || !strings.HasSuffix(p.Path, "/bin/python3.11") && !strings.HasSuffix(p.Path, "/bin/python3.12")) {
			t.Errorf("problem: %+v", p)
		}
	}
}

// alpineLayers: Alpine's apk database (musl upgraded and libssl3 added in
// layer 2), a python-build-standalone interpreter in /opt/python, and a
// folder of distributions with no interpreter (pip install --target).
func alpineLayers(t *testing.T) [][]imagetest.Member {
	apkdb := func(pkgs ...string) string {
		var b strings.Builder
		for _, p := range pkgs {
			name, version, _ := strings.Cut(p, "=")
			b.WriteString("P:" + name + "\nV:" + version + "\nA:x86_64\nL:MIT\no:" + name + "\nF:lib\nR:" + name + ".so\nZ:Q1KbXKSKtqBSPcuK4L5lc6lmRObs0=\n\n")
		}
		return b.String()
	}
	dir := t.TempDir()
	fixture.Write(t, filepath.Join(dir, "opt/python/lib/python3.12/site-packages"), fixture.Dist{Name: "pip", Version: "24.3.1", Metadata: "Author-email: pip <pip@example.org>"})
	fixture.Write(t, filepath.Join(dir, "app/deps"), fixture.Dist{Name: "click", Version: "8.1.7", Metadata: "Author-email: Pallets <contact@palletsprojects.com>"})
	fixture.Write(t, filepath.Join(dir, "opt/conda/lib/python3.11/site-packages"), fixture.Dist{Name: "numpy", Version: "1.26.4", Metadata: "Author: NumPy Developers"})
	fixture.WriteFile(t, filepath.Join(dir, "opt/conda/conda-meta/python-3.11.9-h955ad1f_0.json"), `{"build": "h955ad1f_0", "build_number": 0,
 "channel": "https://repo.anaconda.com/pkgs/main/linux-64", "depends": ["bzip2 >=1.0.8,<2.0a0"],
 "files": ["bin/python3.11", "include/python3.11/patchlevel.h"], "fn": "python-3.11.9-h955ad1f_0.conda", "license": "PSF-2.0",
 "md5": "0C9B9D2B0B5E4A47D54D30E6E9B1DBA3", "name": "python", "requested_spec": "python=3.11",
 "sha256": "e6dd6a4ab0b1d3a0b14fcc1a0ba6bbfa0c8ec1b0ad5d1e2f5e8a3bd06e8c6d4b", "size": 33000000, "subdir": "linux-64",
 "url": "https://repo.anaconda.com/pkgs/main/linux-64/python-3.11.9-h955ad1f_0.conda", "version": "3.11.9"}`)
	fixture.WriteFile(t, filepath.Join(dir, "opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json"), `{"build": "py311h64a7726_0",
 "channel": "https://conda.anaconda.org/conda-forge/linux-64", "files": ["lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA",
 "lib/python3.11/site-packages/numpy-1.26.4.dist-info/RECORD"], "fn": "numpy-1.26.4-py311h64a7726_0.conda", "license": "BSD-3-Clause",
 "md5": "a502d7aad449a1206efb366d6a12c52d", "name": "numpy", "sha256": "3f4365e11b28e244c95ba8579942b0802761ba7bb31c026f50d1a9ea9c728149",
 "subdir": "linux-64", "url": "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda", "version": "1.26.4"}`)
	fixture.WriteFile(t, filepath.Join(dir, "opt/conda/conda-meta/broken-1.0-0.json"), `{"name": "broken"`)
	fixture.WriteFile(t, filepath.Join(dir, "opt/conda/bin/python3.11"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(dir, "opt/conda/include/python3.11/patchlevel.h"), "#define PY_VERSION \"3.11.9\"\n")
	files := imagetest.Dir(t, dir)
	return [][]imagetest.Member{
		{imagetest.File("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\nNAME=\"Alpine Linux\"\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"),
			imagetest.File("lib/apk/db/installed", apkdb("musl=1.2.5-r0"))},
		append([]imagetest.Member{imagetest.File("lib/apk/db/installed", apkdb("musl=1.2.5-r1", "libssl3=3.3.2-r0")),
			imagetest.File("opt/python/bin/python3.12", "\x7fELF"),
			imagetest.File("opt/python/include/python3.12/patchlevel.h", "#define PY_VERSION \"3.12.8\"\n"),
			imagetest.File("opt/python/lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py", "build_time_vars = {'prefix': '/install', 'VERSION': '3.12'}\n")},
			files...),
	}
}

// TestRootFSKinds: apk packages with the layers that added and upgraded
// them, a python-build-standalone installation, a loose folder of
// distributions, and distroless's dpkg status.d; then the same root
// unpacked on disk, read as dir:.
func TestRootFSKinds(t *testing.T) {
	layers := alpineLayers(t)
	img := imagetest.Image(t, true, imagetest.Step{CreatedBy: "FROM alpine", Members: layers[0]}, imagetest.Step{CreatedBy: "RUN setup", Members: layers[1]})
	cfg, _ := img.ConfigFile()
	file := imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "alpine.tar"), "alpine-app:1", img)
	inv, err := Read(context.Background(), Target{Arg: file}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	musl, ssl := byName(inv, inventory.KindOSPackage, "musl"), byName(inv, inventory.KindOSPackage, "libssl3")
	if musl == nil || musl.PURL != "pkg:apk/alpine/musl@1.2.5-r1?arch=x86_64&distro=alpine-3.20.3" || musl.More().License.Declared != "MIT" ||
		len(musl.Files) != 1 || musl.Files[0].Path != "/lib/musl.so" || len(musl.Files[0].Hashes) != 1 ||
		prop(musl, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[0].String() || prop(musl, inventory.PropLayerChanged) != cfg.RootFS.DiffIDs[1].String() {
		t.Errorf("musl: %+v", musl)
	}
	if ssl == nil || prop(ssl, inventory.PropLayerAdded) != cfg.RootFS.DiffIDs[1].String() || prop(ssl, inventory.PropLayerChanged) != "" {
		t.Errorf("libssl3: %+v", ssl)
	}
	checkKinds := func(inv *inventory.Inventory) {
		t.Helper()
		var py, conda *inventory.Package
		for _, p := range inv.Packages {
			if p.Kind == inventory.KindInterpreter {
				switch prop(p, inventory.PropInstallation) {
				case "/opt/python":
					py = p
				case "/opt/conda":
					conda = p
				}
			}
		}
		numpy := byName(inv, inventory.KindDistribution, "numpy")
		if conda == nil || conda.Version != "3.11.9" || prop(conda, inventory.PropInstallationKind) != "conda" ||
			numpy == nil || !hasRel(inv, numpy.ID, inventory.DependsOn, conda.ID) {
			t.Errorf("conda: %+v, numpy %+v", conda, numpy)
			return
		}
		// conda's packages, each CONTAINS what it installed.
		cnumpy, cpython := inv.Find("conda/numpy@1.26.4#/opt/conda"), inv.Find("conda/python@3.11.9#/opt/conda")
		if cnumpy == nil || cnumpy.PURL != "pkg:conda/numpy@1.26.4?build=py311h64a7726_0&channel=conda-forge&subdir=linux-64&type=conda" ||
			cnumpy.Supplier.Name != "conda-forge" || cnumpy.Hash(inventory.SHA256) != "3f4365e11b28e244c95ba8579942b0802761ba7bb31c026f50d1a9ea9c728149" ||
			cnumpy.More().DownloadLocation != "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda" ||
			cnumpy.More().License.Declared != "BSD-3-Clause" || !hasRel(inv, cnumpy.ID, inventory.Contains, numpy.ID) {
			t.Errorf("conda's numpy: %+v", cnumpy)
		}
		if cpython == nil || cpython.Supplier.Name != "Anaconda, Inc." || cpython.Hash(inventory.MD5) != "0c9b9d2b0b5e4a47d54d30e6e9b1dba3" ||
			!hasRel(inv, cpython.ID, inventory.Contains, conda.ID) {
			t.Errorf("conda's python: %+v", cpython)
			return
		}
		// conda's packages list the files they installed, hashed; those a
		// distribution lists stay with it.
		var files []string
		for _, f := range cpython.Files {
			if f.Hash(inventory.SHA256) != "" {
				files = append(files, f.Path)
			}
		}
		want := []string{"/opt/conda/bin/python3.11", "/opt/conda/include/python3.11/patchlevel.h"}
		if !slices.Equal(files, want) || len(cnumpy.Files) != 0 {
			t.Errorf("conda python's files %v, want %v; conda numpy's %v", files, want, cnumpy.Files)
		}
		if !slices.ContainsFunc(inv.Problems, func(p inventory.Problem) bool {
			return p.Kind == inventory.Unreadable && strings.Contains(p.Message, "broken-1.0-0.json")
		}) {
			t.Errorf("the broken conda-meta record is not named: %+v", inv.Problems)
		}
		if py == nil || py.Version != "3.12.8" || prop(py, inventory.PropInstallationKind) != "python-build-standalone" || len(py.More().CPEs) != 1 {
			t.Errorf("standalone python: %+v", py)
			return
		}
		pip := byName(inv, inventory.KindDistribution, "pip")
		if pip == nil || !hasRel(inv, pip.ID, inventory.DependsOn, py.ID) {
			t.Errorf("pip: %+v", pip)
		}
		click := byName(inv, inventory.KindDistribution, "click")
		if click == nil || prop(click, inventory.PropInstallationKind) != "site-packages" || click.Python.Location != "/app/deps" ||
			slices.ContainsFunc(inv.Relationships, func(r inventory.Relationship) bool { return r.From == click.ID && r.Type == inventory.DependsOn }) {
			t.Errorf("click: %+v", click)
		}
	}
	checkKinds(inv)

	// The same root unpacked: no layers, the same installations.
	root := t.TempDir()
	for _, l := range layers {
		for _, m := range l {
			if !strings.HasSuffix(m.Name, "/") {
				fixture.WriteFile(t, filepath.Join(root, m.Name), m.Body)
			}
		}
	}
	inv, err = Read(context.Background(), Target{Arg: "dir:" + root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Root.Kind != inventory.KindEnvironment || prop(inv.Root, inventory.PropImageDistro) != "Alpine Linux v3.20" {
		t.Errorf("root %+v", inv.Root)
	}
	if m := byName(inv, inventory.KindOSPackage, "musl"); m == nil || m.Version != "1.2.5-r1" || prop(m, inventory.PropLayerAdded) != "" {
		t.Errorf("musl on disk: %+v", m)
	}
	checkKinds(inv)

	// distroless: dpkg's status.d, one file per package.
	img = imagetest.Image(t, false, imagetest.Step{CreatedBy: "distroless", Members: []imagetest.Member{
		imagetest.File("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
		imagetest.File("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n"),
		imagetest.File("var/lib/dpkg/status.d/libssl3.md5sums", "11111111111111111111111111111111  usr/lib/x86_64-linux-gnu/libssl.so.3\n"),
	}})
	inv, err = Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := byName(inv, inventory.KindOSPackage, "libssl3"); p == nil || p.PURL != "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl" ||
		prop(p, inventory.PropLayerAddedBy) != "distroless" {
		t.Errorf("distroless libssl3: %+v", p)
	}
}

// TestImageLayersAll: --layers all reports what earlier layers held and
// later ones removed or replaced: the libc6 that layer 2 upgraded, the
// requests and attrs that layer 5 took out; each with the layer that
// added and the one that removed it, none contained by the image.
func TestImageLayersAll(t *testing.T) {
	img := imagetest.PythonImage(t, true)
	cfg, _ := img.ConfigFile()
	layer := func(i int) string { return cfg.RootFS.DiffIDs[i-1].String() }
	arg := "docker-archive:" + imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "app.tar"), "app:1", img)
	squashed, err := Read(context.Background(), Target{Arg: arg}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Read(context.Background(), Target{Arg: arg}, Options{Layers: LayersAll})
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string]*inventory.Package{}
	for _, p := range inv.Packages {
		if prop(p, inventory.PropLayerRemoved) != "" {
			removed[p.Name+" "+p.Version] = p
			if slices.ContainsFunc(inv.Relationships, func(r inventory.Relationship) bool { return r.To == p.ID || r.From == p.ID }) {
				t.Errorf("%s %s, removed, is in a relationship", p.Name, p.Version)
			}
		}
	}
	for key, want := range map[string][3]string{
		"libc6 2.36-9":    {layer(1), layer(2), "RUN apt-get update && apt-get upgrade -y"},
		"requests 2.31.0": {layer(4), layer(5), "RUN /app/.venv/bin/pip install -U requests && /app/.venv/bin/pip uninstall -y attrs"},
		"attrs 23.1.0":    {layer(4), layer(5), "RUN /app/.venv/bin/pip install -U requests && /app/.venv/bin/pip uninstall -y attrs"},
	} {
		p := removed[key]
		if p == nil || prop(p, inventory.PropLayerAdded) != want[0] || prop(p, inventory.PropLayerRemoved) != want[1] || prop(p, inventory.PropLayerRemovedBy) != want[2] {
			t.Errorf("%s: %+v", key, p)
		}
	}
	if removed["requests 2.31.0"] != nil && (removed["requests 2.31.0"].PURL != "pkg:pypi/requests@2.31.0" || removed["requests 2.31.0"].Python.Location != "/app/.venv/lib/python3.12/site-packages") {
		t.Errorf("requests: %+v", removed["requests 2.31.0"])
	}
	if removed["libc6 2.36-9"] != nil && removed["libc6 2.36-9"].PURL != "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12" {
		t.Errorf("libc6: %s", removed["libc6 2.36-9"].PURL)
	}
	if len(removed) != 3 || len(inv.Packages) != len(squashed.Packages)+3 {
		t.Errorf("%d removed, %d components (squashed: %d)", len(removed), len(inv.Packages), len(squashed.Packages))
	}
}

// TestImageAPKPython: Alpine's python3 and py3-six, installed by apk, are
// the distro's: the interpreter takes apk's version and no upstream CPE,
// and the apk packages CONTAIN the interpreter and the distribution.
func TestImageAPKPython(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, filepath.Join(dir, "usr/lib/python3.12/site-packages"), fixture.Dist{Name: "six", Version: "1.16.0", Metadata: "Author: Benjamin Peterson"})
	db := "P:python3\nV:3.12.8-r1\nA:x86_64\nL:PSF-2.0\no:python3\nF:usr/bin\nR:python3.12\n\n" +
		"P:py3-six\nV:1.16.0-r9\nA:noarch\nL:MIT\no:py3-six\nF:usr/lib/python3.12/site-packages/six-1.16.0.dist-info\nR:METADATA\n\n"
	members := append([]imagetest.Member{
		imagetest.File("etc/os-release", "ID=alpine\nVERSION_ID=3.21.0\n"),
		imagetest.File("lib/apk/db/installed", db),
		imagetest.File("usr/bin/python3.12", "\x7fELF"),
	}, imagetest.Dir(t, dir)...)
	img := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM alpine", Members: members})
	inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var py *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter {
			py = p
		}
	}
	apkPy, apkSix := byName(inv, inventory.KindOSPackage, "python3"), byName(inv, inventory.KindOSPackage, "py3-six")
	if py == nil || py.Version != "3.12.8" || prop(py, inventory.PropInstallationKind) != "distro" || len(py.More().CPEs) != 0 || apkPy == nil ||
		!hasRel(inv, apkPy.ID, inventory.Contains, py.ID) {
		t.Errorf("interpreter %+v, apk python3 %+v", py, apkPy)
	}
	six := byName(inv, inventory.KindDistribution, "six")
	if six == nil || six.Distro == nil || six.Distro.Manager != "apk" || apkSix == nil || !hasRel(inv, apkSix.ID, inventory.Contains, six.ID) {
		t.Errorf("six %+v, apk py3-six %+v", six, apkSix)
	}
}

// everyLayerNamed: every component of an image names the layer that
// added it.
func everyLayerNamed(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	for _, p := range inv.Packages {
		if prop(p, inventory.PropLayerAdded) == "" {
			t.Errorf("%s (%s) names no layer that added it", p.ID, p.Kind)
		}
	}
}

// interpreterAt is the interpreter of the installation at prefix.
func interpreterAt(inv *inventory.Inventory, prefix string) *inventory.Package {
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter && prop(p, inventory.PropInstallation) == prefix {
			return p
		}
	}
	return nil
}

// TestImageVendorLabel: the vendor an image's labels declare is its
// supplier, with the label named; --supplier wins; without a label the
// supplier is unknown and said to be.
func TestImageVendorLabel(t *testing.T) {
	base := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM ubi9", Members: []imagetest.Member{
		imagetest.File("etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"9.3\"\n")}})
	cfg, _ := base.ConfigFile()
	c := cfg.Config
	c.Labels = map[string]string{"vendor": "Red Hat, Inc.", "org.opencontainers.image.vendor": "Example Corp"}
	img, err := mutate.Config(base, c)
	if err != nil {
		t.Fatal(err)
	}
	read := func(img v1.Image, opt Options) *inventory.Inventory {
		inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	inv := read(img, Options{})
	if inv.Root.Supplier.Name != "Example Corp" || prop(inv.Root, inventory.PropImageSupplierFrom) != "label org.opencontainers.image.vendor" {
		t.Errorf("supplier %+v (%s)", inv.Root.Supplier, prop(inv.Root, inventory.PropImageSupplierFrom))
	}
	if inv := read(img, Options{Supplier: inventory.Party{Kind: inventory.Organization, Name: "Us"}}); inv.Root.Supplier.Name != "Us" || prop(inv.Root, inventory.PropImageSupplierFrom) != "" {
		t.Errorf("--supplier: %+v", inv.Root.Supplier)
	}
	inv = read(base, Options{})
	if !inv.Root.Supplier.IsZero() || !slices.ContainsFunc(inv.Problems, func(p inventory.Problem) bool { return p.Kind == inventory.NoSupplier && p.Package == inv.Root.ID }) {
		t.Errorf("no label: supplier %+v, problems %+v", inv.Root.Supplier, inv.Problems)
	}
}

// TestImagePyPy: a PyPy installation is PyPy at its own version (not a
// CPython with CPython's CPE), with the Python version it implements, and
// its distributions' markers are evaluated for PyPy.
func TestImagePyPy(t *testing.T) {
	dir := t.TempDir()
	fixture.WriteFile(t, filepath.Join(dir, "opt/pypy/bin/pypy3.10"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(dir, "opt/pypy/include/pypy3.10/patchlevel.h"),
		"#define PY_VERSION\t\t\"3.10.14\"\n#define PYPY_VERSION \"7.3.17\"\n")
	fixture.Write(t, filepath.Join(dir, "opt/pypy/lib/pypy3.10/site-packages"),
		fixture.Dist{Name: "demo", Version: "1.0", Metadata: "Author: Demo\nRequires-Dist: cffi ; implementation_name == \"cpython\""})
	img := imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM pypy", Members: imagetest.Dir(t, dir)})
	inv, err := Read(context.Background(), Target{Arg: "oci-dir:" + imagetest.OCIDir(t, filepath.Join(t.TempDir(), "l"), "", img)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	py := interpreterAt(inv, "/opt/pypy")
	if py == nil || py.Name != "PyPy" || py.Version != "7.3.17" || len(py.More().CPEs) != 0 || prop(py, inventory.PropPythonImplements) != "3.10.14" ||
		prop(py, inventory.PropInstallationKind) != "pypy" || prop(py, inventory.PropInterpreterPath) != "/opt/pypy/bin/pypy3.10" {
		t.Fatalf("interpreter %+v", py)
	}
	demo := byName(inv, inventory.KindDistribution, "demo")
	if demo == nil || !hasRel(inv, demo.ID, inventory.DependsOn, py.ID) {
		t.Errorf("demo %+v", demo)
	}
	for _, p := range inv.Problems {
		if strings.Contains(p.Message, "cffi") {
			t.Errorf("a CPython-only requirement is asked of PyPy: %+v", p)
		}
	}
}

// TestImagePython2: a legacy image's Python 2.7 is found as the distro's
// interpreter with its dist-packages, beside its Python 3.
func TestImagePython2(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, filepath.Join(dir, "usr/lib/python2.7/dist-packages"), fixture.Dist{Name: "six", Version: "1.16.0", Metadata: "Author: Benjamin Peterson"})
	fixture.WriteFile(t, filepath.Join(dir, "usr/bin/python2.7"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(dir, "usr/bin/python3.9"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(dir, "etc/os-release"), "ID=debian\nVERSION_ID=\"11\"\n")
	fixture.WriteFile(t, filepath.Join(dir, "var/lib/dpkg/status"),
		"Package: python2.7-minimal\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.7.18-8+deb11u1\nSource: python2.7\n\n"+
			"Package: python3.9-minimal\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.9.2-1\nSource: python3.9\n\n")
	fixture.WriteFile(t, filepath.Join(dir, "var/lib/dpkg/info/python2.7-minimal.list"), "/usr/bin/python2.7\n")
	fixture.WriteFile(t, filepath.Join(dir, "var/lib/dpkg/info/python3.9-minimal.list"), "/usr/bin/python3.9\n")
	inv, err := Read(context.Background(), Target{Arg: "dir:" + dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var py2 *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter && p.Version == "2.7.18" {
			py2 = p
		}
	}
	six := byName(inv, inventory.KindDistribution, "six")
	if py2 == nil || prop(py2, inventory.PropInstallationKind) != "distro" || six == nil || !hasRel(inv, six.ID, inventory.DependsOn, py2.ID) {
		t.Errorf("python 2.7 %+v, six %+v", py2, six)
	}
}

// TestImageChangelog: a Debian package that ships a distribution carries
// what its own changelog in the image says it fixed.
func TestImageChangelog(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("six (1.16.0-4) unstable; urgency=medium\n\n  * Fix CVE-2099-1001 and CVE-2099-1002.\n\n -- Maint <m@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n\n" +
		"six (1.16.0-3) unstable; urgency=medium\n\n  * CVE-2098-9009.\n\n -- Maint <m@example.org>  Mon, 01 Jan 2023 00:00:00 +0000\n"))
	w.Close()
	inv, err := Read(context.Background(), Target{Arg: "docker-archive:" + imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "a.tar"), "a:1",
		imagetest.Image(t, false, imagetest.Step{CreatedBy: "FROM debian", Members: append(imagetest.Dir(t, func() string {
			dir := t.TempDir()
			fixture.Write(t, filepath.Join(dir, "usr/lib/python3/dist-packages"), fixture.Dist{Name: "six", Version: "1.16.0", Metadata: "Author: B",
				MetaFiles: map[string]string{"INSTALLER": "debian\n"}})
			return dir
		}()), imagetest.File("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
			imagetest.File("usr/share/doc/python3-six/changelog.Debian.gz", gz.String()),
			imagetest.File("var/lib/dpkg/status", "Package: python3-six\nStatus: install ok installed\nArchitecture: all\nVersion: 1.16.0-4\nSource: six\n\n"),
			imagetest.File("var/lib/dpkg/info/python3-six.list", "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA\n"))}))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	deb := byName(inv, inventory.KindOSPackage, "python3-six")
	if deb == nil || prop(deb, inventory.PropDistroChangelog) != "1.16.0-4: CVE-2098-9009=1.16.0-3 CVE-2099-1001=1.16.0-4 CVE-2099-1002=1.16.0-4" {
		t.Errorf("python3-six %+v", deb)
	}
}
