package record

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := "click-8.4.0.dist-info/INSTALLER,sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg,4\n" +
		"click-8.4.0.dist-info/RECORD,,\n" +
		"\"odd,name.py\",sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=,0\n" +
		"\n"
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d entries", len(got))
	}
	if got[0].Algorithm != "sha256" || got[0].Size != 4 || got[0].Hash() != "sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg" {
		t.Errorf("entry 0 = %+v hash %s", got[0], got[0].Hash())
	}
	if got[1].Algorithm != "" || got[1].Size != -1 {
		t.Errorf("RECORD row = %+v", got[1])
	}
	// sha256 of the empty string, with padding as some tools write it.
	if got[2].Path != "odd,name.py" || hex.EncodeToString(got[2].Digest) != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("entry 2 = %+v", got[2])
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		line int
	}{
		{"a.py,sha256=abc,1,extra\n", 1},
		{"ok.py,,\nb.py,nohash,1\n", 2},
		{"a.py,sha256=!!!,1\n", 1},
		{"a.py,,-5\n", 1},
		{"a.py,,12x\n", 1},
		{",sha256=,1\n", 1},
		{"\"unterminated,,\n", 1},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tt.line {
			t.Errorf("Parse(%q) err = %v, want ParseError at line %d", tt.in, err, tt.line)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("a/b.py,sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg,4\na/RECORD,,\n"))
	f.Add([]byte("\"x,y\",sha1=AAAA,0\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(strings.NewReader(string(data)))
		for _, e := range entries {
			if e.Path == "" || (e.Algorithm == "" && e.Digest != nil) {
				t.Fatalf("bad entry %+v", e)
			}
		}
		_ = err
	})
}
