package elffile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestProgramHeaderPastEnd: a program header whose bytes lie past the end
// of the file makes the file malformed (debug/elf accepts it).
func TestProgramHeaderPastEnd(t *testing.T) {
	data, err := os.ReadFile(os.Args[0]) // this test binary: a 64-bit ELF file on Linux
	if err != nil || len(data) < 64 || !Magic(data[:4]) || data[4] != 2 || data[5] != 1 {
		t.Skip("the test binary is no little-endian 64-bit ELF file")
	}
	if _, err := ParseWith("ok", bytesReader(data), int64(len(data)), Options{NoDWARF: true}); err != nil {
		t.Fatalf("the unchanged binary: %v", err)
	}
	phoff := binary.LittleEndian.Uint64(data[0x20:])
	phentsize := uint64(binary.LittleEndian.Uint16(data[0x36:]))
	phnum := int(binary.LittleEndian.Uint16(data[0x38:]))
	for i := range phnum {
		ph := phoff + uint64(i)*phentsize
		if binary.LittleEndian.Uint32(data[ph:]) == 1 { // PT_LOAD
			binary.LittleEndian.PutUint64(data[ph+0x20:], uint64(len(data))*2) // p_filesz
			break
		}
	}
	_, err = ParseWith("bad", bytesReader(data), int64(len(data)), Options{NoDWARF: true})
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "program header") {
		t.Errorf("program header past the end: %v", err)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
