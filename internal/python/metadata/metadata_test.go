package metadata

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const cryptography = `Metadata-Version: 2.4
Name: cryptography
Version: 48.0.0
Classifier: Programming Language :: Python
Classifier: Topic :: Security :: Cryptography
Requires-Dist: cffi>=2.0.0 ; platform_python_implementation != 'PyPy'
Requires-Dist: bcrypt>=3.1.5 ; extra == 'ssh'
Provides-Extra: ssh
License-File: LICENSE
License-File: LICENSE.APACHE
Summary: cryptography is a package which provides cryptographic recipes and primitives to Python developers.
Author-email: The Python Cryptographic Authority and individual contributors <cryptography-dev@python.org>
License-Expression: Apache-2.0 OR BSD-3-Clause
Requires-Python: >=3.9, !=3.9.0, !=3.9.1
Project-URL: homepage, https://github.com/pyca/cryptography
Project-URL: issues, https://github.com/pyca/cryptography/issues

pyca/cryptography
=================

A long description.
`

func TestParse(t *testing.T) {
	m, err := ParseBytes([]byte(cryptography))
	if err != nil {
		t.Fatal(err)
	}
	want := &Metadata{
		MetadataVersion:   "2.4",
		Name:              "cryptography",
		Version:           "48.0.0",
		Summary:           "cryptography is a package which provides cryptographic recipes and primitives to Python developers.",
		Description:       "pyca/cryptography\n=================\n\nA long description.",
		AuthorEmail:       "The Python Cryptographic Authority and individual contributors <cryptography-dev@python.org>",
		LicenseExpression: "Apache-2.0 OR BSD-3-Clause",
		LicenseFiles:      []string{"LICENSE", "LICENSE.APACHE"},
		Classifiers:       []string{"Programming Language :: Python", "Topic :: Security :: Cryptography"},
		RequiresDist:      []string{"cffi>=2.0.0 ; platform_python_implementation != 'PyPy'", "bcrypt>=3.1.5 ; extra == 'ssh'"},
		RequiresPython:    ">=3.9, !=3.9.0, !=3.9.1",
		ProvidesExtra:     []string{"ssh"},
		ProjectURLs: []ProjectURL{
			{"homepage", "https://github.com/pyca/cryptography"},
			{"issues", "https://github.com/pyca/cryptography/issues"},
		},
	}
	if diff := cmp.Diff(want, m, cmpIgnoreFields); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if len(m.Fields) != 16 {
		t.Errorf("got %d fields, want 16", len(m.Fields))
	}
}

var cmpIgnoreFields = cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Fields" }, cmp.Ignore())

func TestParseContinuationAndLegacyDescription(t *testing.T) {
	in := "Metadata-Version: 1.1\r\nName: old\r\nVersion: 0.1\r\nLicense: Copyright (c) 2001\r\n        All rights reserved.\r\nDescription: First line\r\n        |  indented\r\n        |\r\n        last\r\nAuthor: UNKNOWN\r\n"
	m, err := ParseBytes([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if m.License != "Copyright (c) 2001\nAll rights reserved." {
		t.Errorf("License = %q", m.License)
	}
	if m.Description != "First line\n  indented\n\nlast" {
		t.Errorf("Description = %q", m.Description)
	}
	if !Unknown(m.Author) {
		t.Errorf("Author %q should count as unknown", m.Author)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
	}{
		{"no name", "Metadata-Version: 2.1\nVersion: 1\n", 1},
		{"no version", "Name: x\n", 1},
		{"bad header", "Name: x\nVersion: 1\nthis is not a header\n", 3},
		{"leading continuation", " indented\nName: x\n", 1},
		{"binary", "Name: x\x00\n", 1},
		{"empty", "", 1},
	}
	for _, tt := range tests {
		_, err := ParseBytes([]byte(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want *ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.line {
			t.Errorf("%s: line %d, want %d (%v)", tt.name, pe.Line, tt.line, err)
		}
	}
	if _, err := Parse(strings.NewReader("Name: x\nVersion: 1\n\n" + strings.Repeat("x", MaxSize))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: err = %v, want ErrTooLarge", err)
	}
}

func TestNonUTF8(t *testing.T) {
	m, err := ParseBytes([]byte("Name: x\nVersion: 1\nAuthor: Andr\xe9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Author != "Andr\uFFFD" {
		t.Errorf("Author = %q", m.Author)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(cryptography))
	f.Add([]byte("Name: a\nVersion: 1\nLicense: x\n  y\n\nbody"))
	f.Add([]byte("Name: a\r\nVersion: 1\r\n"))
	f.Add([]byte("Name: a\nVersion: 1\nLicense: x\n" + strings.Repeat("  more\n", 2000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseBytes(data)
		if (m == nil) == (err == nil) {
			t.Fatalf("result %v with error %v", m, err)
		}
		if err == nil && (m.Name == "" || m.Version == "") {
			t.Fatalf("accepted metadata without Name or Version")
		}
	})
}

// BenchmarkContinuation reads a field continued over n lines;
// bench/linear.sh shows the time doubles with n.
func BenchmarkContinuation(b *testing.B) {
	for _, n := range []int{80_000, 160_000} {
		data := []byte("Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: first line\n" + strings.Repeat("        another line of the license text\n", n))
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
