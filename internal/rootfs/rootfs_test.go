package rootfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, at string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(at), 0o755)
	if err := os.Symlink(target, at); err != nil {
		t.Fatal(err)
	}
}

// tree builds an environment with links that stay in it and links that
// leave it.
func tree(t *testing.T) (root, outside string) {
	base := t.TempDir()
	root = filepath.Join(base, "env")
	outside = filepath.Join(base, "secret")
	write(t, filepath.Join(outside, "passwd"), "root:x:0:0")
	write(t, filepath.Join(root, "lib/site/pkg/a.py"), "a")
	write(t, filepath.Join(root, "bin/tool"), "tool")
	link(t, "/", filepath.Join(root, "lib/site/root"))                                // out, absolute
	link(t, "../../../secret", filepath.Join(root, "lib/site/rel-out"))               // out, relative
	link(t, "pkg", filepath.Join(root, "lib/site/pkg-link"))                          // in, relative
	link(t, filepath.Join(root, "bin"), filepath.Join(root, "lib/site/abs-in"))       // in, absolute
	link(t, "../rel-out/passwd", filepath.Join(root, "lib/site/pkg/chain"))           // out, through a link
	link(t, "loop2", filepath.Join(root, "lib/site/loop1"))                           // a loop
	link(t, "loop1", filepath.Join(root, "lib/site/loop2"))                           //
	link(t, "/dev/zero", filepath.Join(root, "lib/site/zero"))                        // a device, outside
	link(t, filepath.Join(outside, "passwd"), filepath.Join(root, "lib/site/pkg/pw")) // a file, outside
	return root, outside
}

func TestNamesStayInside(t *testing.T) {
	root, _ := tree(t)
	f, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"lib/site/pkg/a.py":         "a",
		"lib/site/pkg-link/a.py":    "a",
		"lib/site/abs-in/tool":      "tool",
		"lib/site/../../bin/tool":   "tool",
		"lib/site/pkg/../pkg/a.py":  "a",
		"./lib/site/pkg-link/a.py":  "a",
		"lib/site/pkg-link/../root": "", // the link named in the tree, not followed as a directory
	} {
		data, err := f.ReadFile(name, 1<<20)
		if want == "" {
			if err == nil {
				t.Errorf("%s: read %q", name, data)
			}
			continue
		}
		if err != nil || string(data) != want {
			t.Errorf("%s: %q %v, want %q", name, data, err, want)
		}
	}
	for _, name := range []string{"lib/site/root/etc/passwd", "lib/site/rel-out/passwd", "lib/site/pkg/chain",
		"lib/site/zero", "lib/site/pkg/pw", "../secret/passwd", "lib/../../secret/passwd", "/etc/passwd"} {
		_, err := f.ReadFile(name, 1<<20)
		if !errors.Is(err, ErrOutside) {
			t.Errorf("%s: %v, want ErrOutside", name, err)
		}
		if _, _, err := f.OpenFile(name); !errors.Is(err, ErrOutside) {
			t.Errorf("OpenFile(%s): %v", name, err)
		}
		if _, err := f.Stat(name); !errors.Is(err, ErrOutside) {
			t.Errorf("Stat(%s): %v", name, err)
		}
	}
	if _, err := f.ReadFile("lib/site/loop1", 1<<20); err == nil || !strings.Contains(err.Error(), "too many levels") {
		t.Errorf("loop: %v", err)
	}
	if _, err := f.ReadDir("lib/site/root"); !errors.Is(err, ErrOutside) {
		t.Errorf("ReadDir through a link out: %v", err)
	}
	if entries, err := f.ReadDir("lib/site/pkg-link"); err != nil || len(entries) == 0 {
		t.Errorf("ReadDir through a link in: %v %v", entries, err)
	}
	if fi, err := f.Lstat("lib/site/root"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat of a link: %v %v", fi, err)
	}
}

// TestIrregularFiles: a named pipe is refused without blocking, a file
// over the cap is refused, naming the cap.
func TestIrregularFiles(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "METADATA")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	f, _ := New(root)
	done := make(chan error, 1)
	go func() { _, err := f.ReadFile("METADATA", 1<<20); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("named pipe: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
	big := filepath.Join(root, "big")
	fh, _ := os.Create(big)
	fh.Truncate(3 << 20)
	fh.Close()
	_, err := f.ReadFile("big", 1<<20)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("big file: %v", err)
	}
	if _, err := f.ReadFile(".", 1<<20); err == nil {
		t.Error("read a directory")
	}
}

// TestFS checks the fs.FS view with the standard library's checker.
func TestFS(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a/b.txt"), "b")
	write(t, filepath.Join(root, "c.txt"), "c")
	f, _ := New(root)
	if err := fstest.TestFS(f, "a/b.txt", "c.txt"); err != nil {
		t.Error(err)
	}
	file, _ := f.Open("a/b.txt")
	defer file.Close()
	if ra, ok := file.(io.ReaderAt); !ok {
		t.Error("a file is no io.ReaderAt")
	} else if b := make([]byte, 1); func() bool { n, _ := ra.ReadAt(b, 0); return n != 1 || b[0] != 'b' }() {
		t.Error("ReadAt")
	}
}
