package imagefs

import (
	"io"
	"io/fs"
	"testing"
)

// FuzzStack stacks two arbitrary layers, then walks the result and reads
// every file: nothing may panic, loop or read outside a layer.
func FuzzStack(f *testing.F) {
	f.Add(layerTar(f, file("a/b", "x"), symlink("l", "a")), layerTar(f, whiteout("a/.wh.b"), file("l/c", "y")))
	f.Add(layerTar(f, dirm("d/"), file("d/x", "1")), layerTar(f, whiteout("d/.wh..wh..opq"), hardlink("d/y", "d/x")))
	f.Add(layerTar(f, symlink("a", "b"), symlink("b", "a")), layerTar(f, file("a/x", "")))
	f.Add(layerTar(f, symlink("up", "../../.."), file("../x", "z")), []byte("not a tar"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ls := &memLayers{tars: [][]byte{a, b}}
		fsys := stack(t, ls, a, b)
		defer fsys.Close()
		fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			fsys.Lstat(name)
			if f, err := fsys.Open(name); err == nil {
				n, _ := io.CopyN(io.Discard, f, 1<<20)
				fi, _ := f.Stat()
				if n > fi.Size() {
					t.Fatalf("%s: read %d bytes of %d", name, n, fi.Size())
				}
				f.Close()
			}
			return nil
		})
		for _, r := range fsys.Removed() {
			if r.By <= r.Added && r.By != r.Added {
				t.Fatalf("%s removed by layer %d before it was added in %d", r.Name, r.By, r.Added)
			}
		}
	})
}
