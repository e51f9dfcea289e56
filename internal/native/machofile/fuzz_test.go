package machofile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExamine feeds arbitrary bytes to the reader: nothing may panic and
// a report never comes with an error. Seeds: the first pages of a Go
// binary cross-compiled for the format ("go build -ldflags=-s", cut with head).
func FuzzExamine(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.head")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:64])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Examine("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil && rep != nil {
			t.Fatal("report returned with an error")
		}
	})
}

// TestMalformedSaysMachO: a damaged Mach-O file is reported as a
// malformed Mach-O, not as malformed ELF (the error type is shared).
func TestMalformedSaysMachO(t *testing.T) {
	data := []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01 truncated")
	_, err := Examine("x.dylib", bytes.NewReader(data), int64(len(data)))
	if err == nil || !strings.Contains(err.Error(), "x.dylib: malformed Mach-O: ") {
		t.Errorf("error %v, want x.dylib: malformed Mach-O", err)
	}
}
