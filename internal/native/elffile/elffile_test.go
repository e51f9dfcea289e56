package elffile

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestNoDWARF: a binary built with -g has DW_AT_producer strings; with
// Options{NoDWARF} they are left unread and everything else is the same.
func TestNoDWARF(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, "x.c"), filepath.Join(dir, "x.so")
	os.WriteFile(src, []byte("int answer(void) { return 42; }\n"), 0o644)
	if msg, err := exec.Command("gcc", "-g", "-O2", "-fPIC", "-shared", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	full, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	quick, err := OpenWith(out, Options{NoDWARF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer quick.Close()
	if len(full.Producers) == 0 || full.ProducerUnits == 0 {
		t.Fatalf("no producers read from a -g build: %v", full.Producers)
	}
	if len(quick.Producers) != 0 || quick.ProducerUnits != 0 {
		t.Errorf("NoDWARF read producers %v", quick.Producers)
	}
	if !quick.Defines("answer") || len(quick.Funcs) != len(full.Funcs) || len(quick.Sections) != len(full.Sections) {
		t.Errorf("NoDWARF changed the other facts: %d/%d funcs, %d/%d sections", len(quick.Funcs), len(full.Funcs), len(quick.Sections), len(full.Sections))
	}
}
