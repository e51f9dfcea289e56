package image

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/imagetest"
)

// FuzzOpenArchive: any bytes as a docker archive or an OCI archive open
// with an error or an image whose layers read, never a panic.
func FuzzOpenArchive(f *testing.F) {
	dir := f.TempDir()
	img := imagetest.Image(f, false, imagetest.Step{CreatedBy: "x", Members: []imagetest.Member{
		imagetest.File("etc/os-release", "ID=debian\n"), {Name: "etc/.wh.gone"}, {Name: "a", Link: "/etc/os-release"},
	}})
	for _, p := range []string{
		imagetest.DockerArchive(f, filepath.Join(dir, "d.tar"), "example.com/app:1", img),
		imagetest.Tarred(f, imagetest.OCIDir(f, filepath.Join(dir, "l"), "1", img), filepath.Join(dir, "o.tar")),
	} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "image.tar")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		Detect(file)
		for _, s := range []Scheme{DockerArchive, OCIArchive} {
			img, err := Open(context.Background(), Ref{Scheme: s, Path: file}, Options{})
			if err != nil {
				continue
			}
			if fsys, err := img.FS(context.Background(), 2); err == nil {
				fsys.ReadFile("etc/os-release", 1<<20)
				fsys.Close()
			}
			img.Close()
		}
	})
}
