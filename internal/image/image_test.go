package image

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/pysbom/pysbom/internal/testutil/imagetest"
)

// fixture is a three-layer image: a base, an upgrade that removes a file
// and replaces another, and an app layer.
func fixture(t *testing.T, gzip bool) v1.Image {
	return imagetest.Image(t, gzip,
		imagetest.Step{CreatedBy: "ADD rootfs.tar /", Members: []imagetest.Member{
			{Name: "etc/"}, imagetest.File("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
			imagetest.File("etc/old.conf", "old"), imagetest.File("usr/bin/tool", "v1"),
		}},
		imagetest.Step{CreatedBy: "RUN apt-get upgrade", Members: []imagetest.Member{
			imagetest.File("etc/.wh.old.conf", ""), imagetest.File("usr/bin/tool", "v2"),
		}},
		imagetest.Step{CreatedBy: "COPY app /app", Members: []imagetest.Member{
			imagetest.File("app/main.py", "print('hi')\n"), {Name: "app/link", Link: "/usr/bin/tool"},
		}},
	)
}

// check opens ref and reads its file system.
func check(t *testing.T, ref Ref, wantTag string) *Image {
	t.Helper()
	img, err := Open(context.Background(), ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	if img.Tag != wantTag {
		t.Errorf("tag %q, want %q", img.Tag, wantTag)
	}
	if img.Platform != "linux/amd64" || !strings.HasPrefix(img.ConfigDigest, "sha256:") || len(img.Layers) != 3 {
		t.Fatalf("image %+v", img)
	}
	want := []string{"ADD rootfs.tar /", "RUN apt-get upgrade", "COPY app /app"}
	for i, l := range img.Layers {
		if l.CreatedBy != want[i] || !strings.HasPrefix(l.DiffID, "sha256:") {
			t.Errorf("layer %d: %+v", i+1, l)
		}
	}
	var seen []int64
	img.Progress = func(done, total int64) {
		if total != 3 {
			t.Errorf("progress of %d layers", total)
		}
		seen = append(seen, done)
	}
	fsys, err := img.FS(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Errorf("progress %v, want one call per layer read", seen)
	}
	if len(img.Problems) != 0 {
		t.Errorf("problems: %v", img.Problems)
	}
	if data, err := fs.ReadFile(fsys, "app/link"); err != nil || string(data) != "v2" {
		t.Errorf("app/link: %q %v", data, err)
	}
	if _, err := fsys.Stat("etc/old.conf"); err == nil {
		t.Error("the whited-out file is still there")
	}
	e, _, err := fsys.Lookup("usr/bin/tool")
	if err != nil || e.Added != 0 || e.Changed != 1 {
		t.Errorf("usr/bin/tool: %+v %v", e, err)
	}
	return img
}

func TestDockerArchive(t *testing.T) {
	dir := t.TempDir()
	file := imagetest.DockerArchive(t, filepath.Join(dir, "app.tar"), "example.com/team/app:1.2", fixture(t, true))
	img := check(t, Ref{Scheme: DockerArchive, Path: file}, "1.2")
	if img.Name != "example.com/team/app" {
		t.Errorf("name %q", img.Name)
	}
	if r, ok := Detect(file); !ok || r.Scheme != DockerArchive {
		t.Errorf("Detect: %v %v", r, ok)
	}
	if _, err := Open(context.Background(), Ref{Scheme: DockerArchive, Path: file, Tag: "9.9"}, Options{}); err == nil ||
		!strings.Contains(err.Error(), `no image tagged "9.9"; the archive has example.com/team/app:1.2`) {
		t.Errorf("wrong tag: %v", err)
	}
}

func TestOCILayoutAndArchive(t *testing.T) {
	for _, gzip := range []bool{true, false} {
		dir := imagetest.OCIDir(t, filepath.Join(t.TempDir(), "layout"), "1.0", fixture(t, gzip))
		img := check(t, Ref{Scheme: OCIDir, Path: dir}, "1.0")
		if !strings.HasPrefix(img.ManifestDigest, "sha256:") {
			t.Errorf("manifest digest %q", img.ManifestDigest)
		}
		if _, ok := img.ReaderAt(0); ok == gzip {
			t.Errorf("gzip=%v: random access %v", gzip, ok)
		}
		if r, ok := Detect(dir); !ok || r.Scheme != OCIDir {
			t.Errorf("Detect dir: %v", r)
		}
		file := imagetest.Tarred(t, dir, filepath.Join(t.TempDir(), "image.oci.tar"))
		check(t, Ref{Scheme: OCIArchive, Path: file, Tag: "1.0"}, "1.0")
		if r, ok := Detect(file); !ok || r.Scheme != OCIArchive {
			t.Errorf("Detect archive: %v", r)
		}
		if _, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir, Tag: "2.0"}, Options{}); err == nil ||
			!strings.Contains(err.Error(), `no image tagged "2.0"; the layout has 1.0`) {
			t.Errorf("wrong tag: %v", err)
		}
	}
}

func TestParseRef(t *testing.T) {
	dir := t.TempDir()
	layout := filepath.Join(dir, "lay")
	os.Mkdir(layout, 0o755)
	for arg, want := range map[string]Ref{
		"docker-archive:app.tar":       {Scheme: DockerArchive, Path: "app.tar"},
		"oci-dir:" + layout + ":v1":    {Scheme: OCIDir, Path: layout, Tag: "v1"},
		"oci-dir:" + layout:            {Scheme: OCIDir, Path: layout},
		"registry:ghcr.io/org/app:1.2": {Scheme: Registry, Path: "ghcr.io/org/app:1.2"},
		"dir:/mnt/rootfs":              {Scheme: Dir, Path: "/mnt/rootfs"},
		"oci-archive:image.oci.tar":    {Scheme: OCIArchive, Path: "image.oci.tar"},
		"localhost:5000/app":           {},
		"requirements.txt":             {},
	} {
		got, ok, err := ParseRef(arg)
		if err != nil || ok != (want.Scheme != "") || got != want {
			t.Errorf("%s: %+v %v %v", arg, got, ok, err)
		}
	}
	if _, _, err := ParseRef("registry:"); err == nil {
		t.Error("registry: with no image")
	}
}

func TestPlatforms(t *testing.T) {
	amd, arm := fixture(t, true), imagetest.Image(t, true, imagetest.Step{CreatedBy: "arm", Members: []imagetest.Member{imagetest.File("arm", "1")}})
	dir := imagetest.OCIIndex(t, filepath.Join(t.TempDir(), "multi"), map[string]v1.Image{"linux/amd64": amd, "linux/arm64": arm})
	img, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if len(img.Layers) != 1 || img.Layers[0].CreatedBy != "arm" {
		t.Errorf("arm64 image: %+v", img.Layers)
	}
	_, err = Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{Platform: "linux/s390x"})
	if err == nil || !strings.Contains(err.Error(), "no image for linux/s390x; the index has linux/") || !strings.Contains(err.Error(), "--platform") {
		t.Errorf("missing platform: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	host := imagetest.Registry(t, "alice", "s3cret")
	imagetest.Push(t, host+"/team/app:2.0", fixture(t, true), "alice", "s3cret")
	img := check(t, Ref{Scheme: Registry, Path: host + "/team/app:2.0"}, "2.0")
	if img.Name != host+"/team/app" || img.ManifestDigest == "" {
		t.Errorf("image %q %q", img.Name, img.ManifestDigest)
	}
	spool := img.spool
	img.Close()
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Errorf("the pulled layers are still in %s", spool)
	}
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	_, err := Open(context.Background(), Ref{Scheme: Registry, Path: host + "/team/app:2.0"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "docker login") {
		t.Errorf("no credentials: %v", err)
	}
}

// TestBadLayouts: a missing blob, a blob that is not what its digest
// says, a truncated layer: an error naming what is wrong, or a problem
// while the rest is read.
func TestBadLayouts(t *testing.T) {
	mk := func() (string, *Image) {
		dir := imagetest.OCIDir(t, filepath.Join(t.TempDir(), "layout"), "1.0", fixture(t, false))
		img, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		img.Close()
		return dir, img
	}
	dir, img := mk()
	layer := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(img.Layers[2].Digest, "sha256:"))
	os.Remove(layer)
	if _, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{}); err == nil || !strings.Contains(err.Error(), "layer 3: the blob sha256:") {
		t.Errorf("missing blob: %v", err)
	}

	dir, img = mk()
	cfg := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(img.ConfigDigest, "sha256:"))
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(data, ' '), 0o644)
	if _, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{}); err == nil || !strings.Contains(err.Error(), "does not match its digest") {
		t.Errorf("changed config: %v", err)
	}

	// A layer replaced by another tar, and one cut short: both read as
	// far as they go, and named.
	dir, img = mk()
	first := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(img.Layers[0].Digest, "sha256:"))
	os.WriteFile(first, imagetest.Tar(t, imagetest.File("etc/evil", "x")), 0o644)
	third := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(img.Layers[2].Digest, "sha256:"))
	data, _ = os.ReadFile(third)
	os.WriteFile(third, data[:700], 0o644)
	img, err := Open(context.Background(), Ref{Scheme: OCIDir, Path: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	fsys, err := img.FS(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	// A tar cut at a member's end reads as a shorter tar: the diff ID
	// tells.
	if len(img.Problems) != 2 || !strings.Contains(img.Problems[0], "layer 1: its content's digest") ||
		!strings.Contains(img.Problems[1], "layer 3: its content's digest") || !strings.Contains(img.Problems[1], "cut short") {
		t.Errorf("image problems: %q", img.Problems)
	}
	if _, err := fsys.Stat("etc/evil"); err != nil {
		t.Errorf("the replaced layer is not read: %v", err)
	}
}
