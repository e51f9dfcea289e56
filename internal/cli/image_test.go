package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
	"github.com/pysbom/pysbom/internal/testutil/ntia"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// runErr runs pysbom and gives its exit code, stdout and stderr.
func runErr(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestImageCommands: sbom and scan of an image in each form give valid,
// complete, reproducible documents, and a scan names the layer to change.
func TestImageCommands(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	img := imagetest.PythonImage(t, true)
	archive := imagetest.DockerArchive(t, filepath.Join(dir, "app.tar"), "example.com/team/app:1.0", img)
	layout := imagetest.OCIDir(t, filepath.Join(dir, "layout"), "1.0", img)
	ociTar := imagetest.Tarred(t, layout, filepath.Join(dir, "app.oci.tar"))
	host := imagetest.Registry(t, "ci", "token")
	imagetest.Push(t, host+"/team/app:1.0", img, "ci", "token")
	for _, ref := range []string{"docker-archive:" + archive, archive, "oci-dir:" + layout + ":1.0", layout, "oci-archive:" + ociTar, "registry:" + host + "/team/app:1.0"} {
		spdxFile, cdxFile := filepath.Join(dir, "a.spdx.json"), filepath.Join(dir, "a.cdx.json")
		run(t, "sbom", "-q", "--supplier", "Organization: Example", ref, "-o", "spdx-json="+spdxFile, "-o", "cyclonedx-json="+cdxFile)
		s, _ := os.ReadFile(spdxFile)
		c, _ := os.ReadFile(cdxFile)
		schema.Validate(t, schema.SPDX23, s)
		schema.Validate(t, schema.CycloneDX16, c)
		if fails, _ := ntia.SPDX(s); len(fails) > 0 {
			t.Errorf("%s: NTIA: %v", ref, fails)
		}
		if fails, _ := ntia.CycloneDX(c); len(fails) > 0 {
			t.Errorf("%s: NTIA: %v", ref, fails)
		}
		for _, want := range []string{`"primaryPackagePurpose": "CONTAINER"`, "pkg:oci/", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc", "RUN ./configure --prefix=/usr/local && make install"} {
			if !bytes.Contains(s, []byte(want)) {
				t.Errorf("%s: the SPDX document has no %s", ref, want)
			}
		}
		again := run(t, "sbom", "-q", "--supplier", "Organization: Example", ref, "-o", "spdx-json")
		if again != string(s) {
			t.Errorf("%s: two runs differ", ref)
		}
	}
	// --files: none lists no file; all lists more than python, the default.
	count := func(files string) int {
		doc := run(t, "sbom", "-q", "--files", files, "-o", "spdx-json", archive)
		schema.Validate(t, schema.SPDX23, []byte(doc))
		return strings.Count(doc, `"fileName"`)
	}
	if none, python, all := count("none"), count("python"), count("all"); none != 0 || python == 0 || all <= python {
		t.Errorf("files listed: none %d, python %d, all %d", none, python, all)
	}
	if code, _, errs := runErr("sbom", "--files", "some", archive); code != ExitUsage || !strings.Contains(errs, `--files: "some" is none of none, python, all`) {
		t.Errorf("--files some: exit %d, %s", code, errs)
	}
	table := run(t, "sbom", "-q", "-o", "table", archive)
	for _, want := range []string{"container image for linux/amd64: Debian GNU/Linux 12 (bookworm), 5 layers", "requests", "/app/.venv/lib/python3.12/site-packages",
		"ADDED BY LAYER", "RUN ./configure --prefix=/usr/local && make install"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "attrs") {
		t.Errorf("a removed distribution is listed:\n%s", table)
	}

	osv := filepath.Join(dir, "osv")
	os.Mkdir(osv, 0o755)
	os.WriteFile(filepath.Join(osv, "PYSEC-2099-7.json"), []byte(`{"id":"PYSEC-2099-7","modified":"2025-01-01T00:00:00Z","summary":"requests leaks",
"affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.32.4"}]}]}]}`), 0o644)
	os.WriteFile(filepath.Join(osv, "DSA-9999-1.json"), []byte(`{"id":"DSA-9999-1","modified":"2025-01-01T00:00:00Z","summary":"glibc overflow",
"affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.36-9+deb12u8"}]}]}]}`), 0o644)
	db := filepath.Join(dir, "v.db")
	run(t, "db", "import", "-q", "--db", db, osv)
	out := run(t, "scan", "-q", "--db", db, archive)
	for _, want := range []string{"LAYER", "RUN /app/.venv/bin/pip install -U requests", "DSA-9999-1", "upgrade the distro package to 2.36-9+deb12u8", "RUN apt-get update && apt-get upgrade -y"} {
		if !strings.Contains(out, want) {
			t.Errorf("scan table lacks %q:\n%s", want, out)
		}
	}
	// --layers all: what layer 5 removed is reported, valid, and not
	// scanned as if the image held it.
	allLayers := filepath.Join(dir, "all.cdx.json")
	run(t, "sbom", "-q", "--layers", "all", archive, "-o", "cyclonedx-json="+allLayers)
	c, _ := os.ReadFile(allLayers)
	schema.Validate(t, schema.CycloneDX16, c)
	if !bytes.Contains(c, []byte(`"pysbom:layer:removed-by"`)) {
		t.Error("--layers all reports nothing removed")
	}
	var res struct {
		Findings  []struct{ Component string }
		Unscanned []struct{ Component, Reason string }
	}
	if err := json.Unmarshal([]byte(run(t, "scan", "-q", "--db", db, "-o", "json", allLayers)), &res); err != nil {
		t.Fatal(err)
	}
	removedSkipped := 0
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Component, "removed/") {
			t.Errorf("a removed component is scanned: %s", f.Component)
		}
	}
	for _, u := range res.Unscanned {
		if strings.HasPrefix(u.Component, "removed/") && strings.Contains(u.Reason, "an earlier layer held it and a later one removed it") {
			removedSkipped++
		}
	}
	if removedSkipped != 3 {
		t.Errorf("%d removed components named as not scanned: %+v", removedSkipped, res.Unscanned)
	}
	if code, _, errs := runErr("sbom", "--layers", "some", archive); code != ExitUsage || !strings.Contains(errs, "--layers") {
		t.Errorf("--layers some: exit %d, %s", code, errs)
	}
	js := run(t, "scan", "-q", "--db", db, "-o", "json", archive)
	if !strings.Contains(js, `"location": "/app/.venv/lib/python3.12/site-packages"`) || !strings.Contains(js, `"diffID": "sha256:`) {
		t.Errorf("scan JSON names no location or layer:\n%s", js)
	}
	// Every format names the layer: a pull request's markdown, code
	// scanning's SARIF, the HTML page.
	md := run(t, "scan", "-q", "--db", db, "-o", "markdown", archive)
	if !strings.Contains(md, "| Layer |") || !strings.Contains(md, "RUN /app/.venv/bin/pip install -U requests") {
		t.Errorf("markdown names no layer:\n%s", md)
	}
	sarif := run(t, "scan", "-q", "--db", db, "-o", "sarif", archive)
	if !strings.Contains(sarif, `"layer": {`) || !strings.Contains(sarif, "Image layer: RUN /app/.venv/bin/pip install -U requests") {
		t.Errorf("SARIF names no layer:\n%s", sarif)
	}
	page := run(t, "scan", "-q", "--db", db, "-o", "html", archive)
	if !strings.Contains(page, "image layer") || !strings.Contains(page, "RUN /app/.venv/bin/pip install -U requests") {
		t.Error("the HTML page names no layer")
	}
}

// TestImageErrors: a bad reference or image is one line naming it.
func TestImageErrors(t *testing.T) {
	dir := t.TempDir()
	notTar := filepath.Join(dir, "notes.txt")
	os.WriteFile(notTar, []byte(strings.Repeat("not a tar\n", 100)), 0o644)
	archive := imagetest.DockerArchive(t, filepath.Join(dir, "app.tar"), "example.com/app:1", imagetest.Image(t, true))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	for args, want := range map[string]string{
		"sbom docker-archive:" + notTar:                         "notes.txt: not a tar archive (docker save output, or a tar of an OCI image layout)",
		"sbom registry:" + closed + "/app:1":                    "the connection was refused",
		"sbom --platform linux/arm64 " + archive:                "the image is for linux/amd64, not linux/arm64",
		"sbom --platform bogus " + archive:                      `--platform "bogus": want OS/ARCH[/VARIANT]`,
		"sbom oci-dir:" + filepath.Join(dir, "none"):            "none: no such file or directory",
		"sbom docker-archive:" + filepath.Join(dir, "none.tar"): "none.tar: no such file or directory",
		"sbom oci-dir:" + dir:                                   "no OCI image layout",
		"sbom registry:":                                        "no image after",
		"sbom --platform linux sbom.tar":                        "",
	} {
		if want == "" {
			continue
		}
		code, _, stderr := runErr(strings.Fields(args)...)
		if code == ExitOK || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q; want one line with %q", args, code, stderr, want)
		}
	}
}

// TestRealDebianImageCommands: sbom and scan of the real Debian 12 image
// bench/debian-image.sh builds: schema-valid, NTIA-complete, reproducible
// documents; the PyPA advisories for the pip copied into /usr/local name
// its layer; Debian packages without Debian advisories are said to be
// not scanned.
func TestRealDebianImageCommands(t *testing.T) {
	image, _ := realdata.DebianImage(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	spdxFile, cdxFile := filepath.Join(dir, "a.spdx.json"), filepath.Join(dir, "a.cdx.json")
	run(t, "sbom", "-q", "--supplier", "Organization: Example", image, "-o", "spdx-json="+spdxFile, "-o", "cyclonedx-json="+cdxFile)
	s, _ := os.ReadFile(spdxFile)
	c, _ := os.ReadFile(cdxFile)
	schema.Validate(t, schema.SPDX23, s)
	schema.Validate(t, schema.CycloneDX16, c)
	// Vendored crates and libraries name no supplier of their own: each is
	// NOASSERTION with a no-supplier problem in the document, nothing else.
	explained := bytes.Count(s, []byte(`"pysbom problem no-supplier`))
	if explained == 0 {
		t.Error("no no-supplier problem in the SPDX document")
	}
	if fails, _ := ntia.SPDX(s); len(ntia.Unexplained(fails, explained)) > 0 {
		t.Errorf("NTIA: %v", ntia.Unexplained(fails, explained))
	}
	if fails, _ := ntia.CycloneDX(c); len(ntia.Unexplained(fails, explained)) > 0 {
		t.Errorf("NTIA: %v", ntia.Unexplained(fails, explained))
	}
	if again := run(t, "sbom", "-q", "--supplier", "Organization: Example", image, "-o", "spdx-json"); again != string(s) {
		t.Error("two runs differ")
	}
	for _, want := range []string{"pkg:deb/debian/libc6@", "distro=debian-12", "pkg:pypi/cryptography@", "cpe:2.3:a:python:python:3.12.1", "COPY pyenv 3.12.1 /usr/local"} {
		if !bytes.Contains(s, []byte(want)) {
			t.Errorf("the SPDX document has no %s", want)
		}
	}

	// The audit reads the image's binaries: both interpreters' modules and
	// the venv's wheels, each with its distribution.
	var rep struct {
		Binaries []struct {
			Path    string
			Package *struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(run(t, "audit", "-o", "json", image)), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, b := range rep.Binaries {
		if b.Package != nil {
			seen[b.Path] = b.Package.Name
		} else {
			seen[b.Path] = "-"
		}
	}
	for name, owner := range map[string]string{
		"/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so":               "CPython",
		"/usr/local/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so":         "CPython",
		"/app/.venv/lib/python3.12/site-packages/cryptography/hazmat/bindings/_rust.abi3.so": "cryptography",
	} {
		if seen[name] != owner {
			t.Errorf("audit: %s owned by %q, want %q", name, seen[name], owner)
		}
	}
	osvDir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns", "pip")
	if _, err := os.Stat(osvDir); err != nil {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	db := filepath.Join(dir, "v.db")
	run(t, "db", "import", "-q", "--db", db, osvDir)
	code, out, errs := runErr("scan", "-q", "--db", db, image)
	if code != ExitOK {
		t.Errorf("scan exit %d: %s", code, errs)
	}
	for _, want := range []string{"PYSEC-2023-228", "COPY pyenv 3.12.1 /usr/local", "no Debian advisories"} {
		if !strings.Contains(out, want) {
			t.Errorf("scan table lacks %q:\n%s", want, out)
		}
	}
}

// TestImageAuditAndReport: audit and report of an image read its native
// binaries through the image (a CPython module, a wheel's extension with
// its distribution as owner), never from the host; report takes every
// reference form sbom takes.
func TestImageAuditAndReport(t *testing.T) {
	tmp := t.TempDir()
	local := filepath.Join(tmp, "usr/local")
	fixture.WriteFile(t, filepath.Join(tmp, "etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n")
	fixture.WriteFile(t, filepath.Join(local, "include/python3.99/patchlevel.h"), "#define PY_VERSION \"3.99.1\"\n")
	fixture.SharedObject(t, filepath.Join(local, "bin/python3.99"), "int main(void) { return 0; }\n")
	fixture.SharedObject(t, filepath.Join(local, "lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so"), "int PyInit__demo(void) { return 0; }\n")
	site := filepath.Join(local, "lib/python3.99/site-packages")
	fixture.SharedObject(t, filepath.Join(tmp, "speed.so"), "int PyInit__speed(void) { return 1; }\n")
	speed, _ := os.ReadFile(filepath.Join(tmp, "speed.so"))
	os.Remove(filepath.Join(tmp, "speed.so"))
	fixture.Write(t, site, fixture.Dist{Name: "fast", Version: "2.0", Metadata: "Author: Fast", Files: map[string]string{"fast/_speed.so": string(speed)}})
	img := imagetest.Image(t, true, imagetest.Step{CreatedBy: "FROM scratch", Members: imagetest.Dir(t, tmp)})
	archive := imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "app.tar"), "app:1", img)

	var rep struct {
		Binaries []struct {
			Path    string
			Package *struct{ Name, Version string }
		}
	}
	if err := json.Unmarshal([]byte(run(t, "audit", "-o", "json", "docker-archive:"+archive)), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range rep.Binaries {
		owner := ""
		if b.Package != nil {
			owner = b.Package.Name + " " + b.Package.Version
		}
		got[b.Path] = owner
	}
	for name, owner := range map[string]string{
		"/usr/local/lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so": "CPython 3.99.1",
		"/usr/local/lib/python3.99/site-packages/fast/_speed.so":                      "fast 2.0",
		"/usr/local/bin/python3.99":                                                   "CPython 3.99.1",
	} {
		if o, ok := got[name]; !ok || o != owner {
			t.Errorf("%s: audited %v, owner %q; want %q (all: %v)", name, ok, o, owner, got)
		}
	}
	osv := filepath.Join(t.TempDir(), "osv")
	os.Mkdir(osv, 0o755)
	os.WriteFile(filepath.Join(osv, "PYSEC-2099-8.json"), []byte(`{"id":"PYSEC-2099-8","modified":"2025-01-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"PyPI","name":"fast"},"versions":["2.0"]}]}`), 0o644)
	db := filepath.Join(t.TempDir(), "v.db")
	run(t, "db", "import", "-q", "--db", db, osv)
	for _, ref := range []string{archive, "docker-archive:" + archive} {
		md := run(t, "report", "-q", "--db", db, "-o", "markdown", ref)
		if !strings.Contains(md, "PYSEC-2099-8") || !strings.Contains(md, "pysbom audit: 3 native binaries") {
			t.Errorf("%s: report lacks the finding or the audit:\n%s", ref, md)
		}
	}
}

// TestImageDiff: two releases of an image are compared directly: what a
// new layer installed is added.
func TestImageDiff(t *testing.T) {
	dir := t.TempDir()
	old := imagetest.PythonImage(t, false)
	site := filepath.Join(dir, "layer")
	fixture.Write(t, filepath.Join(site, "app/.venv/lib/python3.12/site-packages"), fixture.Dist{Name: "idna", Version: "3.7", Metadata: "Author: Kim"})
	layer := imagetest.Image(t, false, imagetest.Step{CreatedBy: "RUN pip install idna", Members: imagetest.Dir(t, site)})
	layers, _ := layer.Layers()
	newer, err := mutate.AppendLayers(old, layers...)
	if err != nil {
		t.Fatal(err)
	}
	a := imagetest.DockerArchive(t, filepath.Join(dir, "a.tar"), "app:1", old)
	b := "oci-dir:" + imagetest.OCIDir(t, filepath.Join(dir, "b"), "2", newer)
	code, out, errs := runErr("diff", "--exit-code", "-o", "json", a, b)
	if code != ExitFindings || !strings.Contains(out, `"pkg:pypi/idna@3.7"`) {
		t.Errorf("diff of two images: exit %d, %s\n%s", code, errs, out)
	}
}
