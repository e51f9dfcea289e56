package audit

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/libver"
)

// FuzzParse feeds arbitrary bytes to the ELF reader and, when it accepts
// them, to every check, the language detection and the library scan:
// nothing may panic, and a result never comes with an error.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("testdata/tiny.so")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:64])
	f.Add(seed[:len(seed)/2])
	f.Add([]byte("\x7fELF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ef, err := elffile.Parse("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if ef != nil {
				t.Fatal("file returned with an error")
			}
			var fe *elffile.FormatError
			if !errors.As(err, &fe) && !errors.Is(err, elffile.ErrNotELF) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		b := Examine(ef)
		if len(b.Checks) == 0 {
			t.Fatal("no checks run")
		}
		libver.Scan(&ef.Facts, libver.Strings(ef), "fuzz.so")
	})
}

// TestTinySeed checks the committed seed is what its source says: a
// shared library with full RELRO, a canary import and expat's version string.
func TestTinySeed(t *testing.T) {
	b, err := File("testdata/tiny.so")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pie": "dso", "relro": "full", "canary": "yes"}
	for id, v := range want {
		if r, _ := b.Result(id); r.Value != v {
			t.Errorf("%s = %s (%s), want %s", id, r.Value, r.Evidence, v)
		}
	}
	if len(b.Libraries) != 1 || b.Libraries[0].Version != "2.6.0" {
		t.Errorf("libraries = %+v, want expat 2.6.0", b.Libraries)
	}
}
