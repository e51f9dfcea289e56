package cli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/native/audit"
	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// sbomExamined reads the SBOM of the environment arg as report does,
// keeping the audit of each binary it parses.
func sbomExamined(t *testing.T, arg string) (*target.Environment, map[string]*audit.Binary) {
	t.Helper()
	ctx := context.Background()
	known := &examined{byPath: map[string]*audit.Binary{}}
	if _, err := extract.Read(ctx, extract.Target{Arg: arg, Getenv: os.Getenv}, extract.Options{Examined: known.add}); err != nil {
		t.Fatal(err)
	}
	envr, err := target.Resolve(ctx, arg, target.Options{Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	return envr, known.byPath
}

// report's audit of an environment takes the binaries its SBOM parsed
// (with their DWARF) and does not open them again: a binary replaced on
// disk after the SBOM was read is shown as it was read.
func TestReportExaminesBinariesOnce(t *testing.T) {
	dir := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(dir, "venv"))
	site := filepath.Join(venv, "lib/python3.12/site-packages")
	so := filepath.Join(dir, "_speed.so")
	fixture.SharedObject(t, so, "int PyInit__speed(void) { return 0; }\n", "-g", "-fstack-protector-strong")
	data, err := os.ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, site, fixture.Dist{Name: "speed", Version: "1.0", Files: map[string]string{"speed/_speed.so": string(data)}})
	_, known := sbomExamined(t, venv)
	b := known[filepath.Join(site, "speed", "_speed.so")]
	if b == nil || !b.Extension || !slicesHasPrefix(b.Toolchain, "DW_AT_producer: GNU C") {
		t.Fatalf("the SBOM examined %v; _speed.so: %+v", keys(known), b)
	}
	if err := os.WriteFile(filepath.Join(site, "speed", "_speed.so"), []byte("\x7fELF garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	shared, err := audit.Audit(ctx, site, audit.Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := audit.Audit(ctx, site, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(shared.Binaries) != 1 || shared.Binaries[0].Error != "" || shared.Binaries[0].Path != "speed/_speed.so" || shared.Binaries[0].Owner.Name != "speed" {
		t.Errorf("report's audit: %+v", shared.Binaries)
	}
	if len(fresh.Binaries) != 1 || fresh.Binaries[0].Error == "" {
		t.Errorf("the file read again should be malformed: %+v", fresh.Binaries)
	}
}

// On a real environment, report's audit (site-packages and lib-dynload)
// of what the SBOM parsed equals the audit of the files read again.
func TestReportAuditAsAudit(t *testing.T) {
	prefix := realdata.PyenvPrefix(t, "3.11.7")
	_, known := sbomExamined(t, prefix)
	dynload := 0
	for p := range known {
		if strings.Contains(p, "/lib-dynload/") {
			dynload++
		}
	}
	if len(known) < 50 || dynload < 30 {
		t.Fatalf("the SBOM of %s examined %d binaries, %d of lib-dynload", prefix, len(known), dynload)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, progressOut: io.Discard, getenv: os.Getenv}
	o := scanFlags(flag.NewFlagSet("report", flag.ContinueOnError), e)
	ctx := context.Background()
	shared, err := reportAudit(ctx, e, prefix, o, known)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := reportAudit(ctx, e, prefix, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := shared.WriteJSON(&a, "test"); err != nil {
		t.Fatal(err)
	}
	if err := fresh.WriteJSON(&b, "test"); err != nil {
		t.Fatal(err)
	}
	if len(fresh.Binaries) < len(known) || a.String() != b.String() {
		t.Errorf("the audit of what the SBOM parsed (%d binaries) differs from the audit of the files read again (%d)", len(shared.Binaries), len(fresh.Binaries))
	}
	t.Logf("%d of %d binaries audited as the SBOM parsed them", len(known), len(fresh.Binaries))
}

func slicesHasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// In an image, report's audit takes the binaries the SBOM parsed through
// the image (site-packages, lib-dynload, the executable), keyed by their
// names in it, and shows what the audit of the files read again shows.
func TestReportImageExaminesBinariesOnce(t *testing.T) {
	tmp := t.TempDir()
	local := filepath.Join(tmp, "usr/local")
	fixture.WriteFile(t, filepath.Join(tmp, "etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n")
	fixture.WriteFile(t, filepath.Join(local, "include/python3.99/patchlevel.h"), "#define PY_VERSION \"3.99.1\"\n")
	fixture.SharedObject(t, filepath.Join(local, "bin/python3.99"), "int main(void) { return 0; }\n", "-g")
	fixture.SharedObject(t, filepath.Join(local, "lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so"), "int PyInit__demo(void) { return 0; }\n")
	fixture.SharedObject(t, filepath.Join(tmp, "speed.so"), "int PyInit__speed(void) { return 1; }\n", "-g")
	speed, _ := os.ReadFile(filepath.Join(tmp, "speed.so"))
	os.Remove(filepath.Join(tmp, "speed.so"))
	fixture.Write(t, filepath.Join(local, "lib/python3.99/site-packages"), fixture.Dist{Name: "fast", Version: "2.0", Files: map[string]string{"fast/_speed.so": string(speed)}})
	img := imagetest.Image(t, true, imagetest.Step{CreatedBy: "FROM scratch", Members: imagetest.Dir(t, tmp)})
	archive := imagetest.DockerArchive(t, filepath.Join(t.TempDir(), "app.tar"), "app:1", img)

	known := &examined{byPath: map[string]*audit.Binary{}}
	var shared, fresh bytes.Buffer
	opts := extract.Options{Examined: known.add, WithTree: func(ctx context.Context, tree rootfs.Tree, native []extract.Native) error {
		for _, x := range []struct {
			w     *bytes.Buffer
			known map[string]*audit.Binary
		}{{&shared, known.byPath}, {&fresh, nil}} {
			rep, err := audit.AuditTree(ctx, tree, auditDirs(native), audit.Options{Known: x.known})
			if err != nil {
				return err
			}
			if err := rep.WriteJSON(x.w, "test"); err != nil {
				return err
			}
		}
		return nil
	}}
	if _, err := extract.Read(context.Background(), extract.Target{Arg: "docker-archive:" + archive, Getenv: os.Getenv}, opts); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/usr/local/bin/python3.99", "/usr/local/lib/python3.99/lib-dynload/_demo.cpython-399-x86_64-linux-gnu.so",
		"/usr/local/lib/python3.99/site-packages/fast/_speed.so"} {
		if known.byPath[name] == nil {
			t.Errorf("the SBOM did not examine %s (examined: %v)", name, keys(known.byPath))
		}
	}
	if b := known.byPath["/usr/local/bin/python3.99"]; b != nil && !slicesHasPrefix(b.Toolchain, "DW_AT_producer: GNU C") {
		t.Errorf("the executable was examined without its DWARF: %v", b.Toolchain)
	}
	if shared.String() != fresh.String() || !strings.Contains(fresh.String(), "_speed.so") {
		t.Errorf("report's audit\n%s\ndiffers from the audit of the files read again\n%s", shared.String(), fresh.String())
	}
}

// report of a folder of wheels audits the wheels' binaries (a folder's
// walk alone skips archives) as the SBOM parsed them: a wheel rewritten
// after the SBOM was read is shown as it was read.
func TestReportWheelhouseExaminesBinariesOnce(t *testing.T) {
	dir := t.TempDir()
	so := filepath.Join(t.TempDir(), "_fast.so")
	fixture.SharedObject(t, so, "int PyInit__fast(void) { return 0; }\n", "-g")
	data, err := os.ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	house := filepath.Join(dir, "wheels")
	d := fixture.Dist{Name: "fast", Version: "1.0", Files: map[string]string{"fast/_fast.so": string(data), "fast/__init__.py": ""}}
	wheel := fixture.Wheel(t, house, d, "cp312-cp312-linux_x86_64", nil)
	fixture.Sdist(t, house, "fast", "1.0", map[string]string{"PKG-INFO": "Metadata-Version: 2.1\nName: fast\nVersion: 1.0\n"})
	ctx := context.Background()
	known := &examined{byPath: map[string]*audit.Binary{}}
	if _, err := extract.Read(ctx, extract.Target{Arg: house, Getenv: os.Getenv}, extract.Options{Examined: known.add}); err != nil {
		t.Fatal(err)
	}
	if b := known.byPath[wheel+"!fast/_fast.so"]; b == nil || !slicesHasPrefix(b.Toolchain, "DW_AT_producer: GNU C") {
		t.Fatalf("the SBOM examined %v", keys(known.byPath))
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, progressOut: io.Discard, getenv: os.Getenv}
	o := scanFlags(flag.NewFlagSet("report", flag.ContinueOnError), e)
	fresh, err := reportAudit(ctx, e, house, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Binaries) != 1 || fresh.Binaries[0].Path != "fast/_fast.so" || fresh.Binaries[0].Owner.Name != "fast" || fresh.Binaries[0].Error != "" {
		t.Fatalf("the audit of the wheelhouse: %+v", fresh.Binaries)
	}
	d.Files["fast/_fast.so"] = "\x7fELF garbage"
	fixture.Wheel(t, house, d, "cp312-cp312-linux_x86_64", nil)
	shared, err := reportAudit(ctx, e, house, o, known.byPath)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	shared.WriteJSON(&a, "test")
	fresh.WriteJSON(&b, "test")
	if a.String() != b.String() {
		t.Errorf("report's audit of the rewritten wheel\n%s\nis not the audit of what the SBOM read\n%s", a.String(), b.String())
	}
	// pysbom audit of the folder looks into its wheels as well.
	if out := run(t, "audit", "-o", "json", house); !strings.Contains(out, `"fast/_fast.so"`) {
		t.Errorf("pysbom audit %s:\n%s", house, out)
	}
}
