//go:build unix

package cpython

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pysbom/pysbom/internal/extract/syslib"
)

// A named pipe posing as an extension module is named as unreadable; it
// is never opened for reading, which would block forever.
func TestNamedPipeModule(t *testing.T) {
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, "include", "python3.99"), 0o755)
	os.WriteFile(filepath.Join(prefix, "include", "python3.99", "patchlevel.h"), []byte("#define PY_VERSION \"3.99.1\"\n"), 0o644)
	dynload := filepath.Join(prefix, "lib", "python3.99", "lib-dynload")
	os.MkdirAll(dynload, 0o755)
	if err := syscall.Mkfifo(filepath.Join(dynload, "_pipe.cpython-399-x86_64-linux-gnu.so"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	b := Inspect(context.Background(), syslib.Host, prefix, "", "3.99", syslib.New(syslib.Host), nil)
	found := false
	for _, p := range b.Problems {
		if p.Kind == "unreadable" && strings.HasSuffix(p.Path, "_pipe.cpython-399-x86_64-linux-gnu.so") && strings.Contains(p.Message, "a named pipe") {
			found = true
		}
	}
	if !found {
		t.Errorf("problems %+v", b.Problems)
	}
}
