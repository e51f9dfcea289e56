package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite replaces a file whole, keeps its mode, and leaves nothing
// behind on failure; temporary files of dead writers (kill -9) are
// removed, a live writer's never.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.json")
	os.WriteFile(file, []byte("old"), 0o600)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1) to make a dead PID with")
	}
	deadTmp := filepath.Join(dir, fmt.Sprintf("%s%d-123", TempPrefix(file), dead.Process.Pid))
	liveTmp := filepath.Join(dir, fmt.Sprintf("%s%d-456", TempPrefix(file), os.Getppid()))
	os.WriteFile(deadTmp, []byte("half"), 0o644)
	os.WriteFile(liveTmp, []byte("half"), 0o644)
	if err := Write(file, func(w io.Writer) error { return errors.New("render failed") }); err == nil {
		t.Fatal("a failed render succeeded")
	}
	if b, _ := os.ReadFile(file); string(b) != "old" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if err := Write(file, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(file)
	if b, _ := os.ReadFile(file); string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("after write: %q, mode %s", b, fi.Mode().Perm())
	}
	if _, err := os.Stat(deadTmp); err == nil {
		t.Error("a dead writer's temporary file was kept")
	}
	if _, err := os.Stat(liveTmp); err != nil {
		t.Error("a live writer's temporary file was removed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
	if err := Write(filepath.Join(dir, "no", "such", "dir.json"), func(io.Writer) error { return nil }); err == nil ||
		!errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("missing folder: %v", err)
	}
}
