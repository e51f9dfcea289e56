package pefile

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

// TestMalformedSaysPE: a damaged PE file is reported as a malformed PE.
func TestMalformedSaysPE(t *testing.T) {
	data := []byte("MZ\x90\x00 truncated")
	_, err := Examine("x.dll", bytes.NewReader(data), int64(len(data)))
	if err == nil || !strings.Contains(err.Error(), "x.dll: malformed PE: ") {
		t.Errorf("error %v, want x.dll: malformed PE", err)
	}
}
