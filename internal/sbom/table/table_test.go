package table

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"

	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/golden"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

func TestFixtureGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sbomtest.FixtureInventory(t)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/venv_table.txt", buf.Bytes())
}

// TestCarriedIndented: what a package carries is listed right under it,
// indented, with its ecosystem and where it was found, so that pip in
// site-packages and pip bundled in ensurepip, or the Rust crate openssl
// and the C library openssl, are told apart.
func TestCarriedIndented(t *testing.T) {
	inv := &inventory.Inventory{
		Root: &inventory.Package{ID: "env", Name: "env", Version: "1"},
		Packages: []*inventory.Package{
			{ID: "cpython", Kind: inventory.KindInterpreter, Name: "CPython", Version: "3.11.7", PURL: "pkg:generic/cpython@3.11.7",
				Properties: []inventory.Property{{Name: "pysbom:interpreter:path", Value: "bin/python3.11"}}},
			{ID: "bundled-pip", Kind: inventory.KindDistribution, Name: "pip", Version: "23.2.1", PURL: "pkg:pypi/pip@23.2.1",
				Properties: []inventory.Property{{Name: "pysbom:wheel:file", Value: "pip-23.2.1-py3-none-any.whl"}}},
			{ID: "crypto", Kind: inventory.KindDistribution, Name: "cryptography", Version: "48.0.0", PURL: "pkg:pypi/cryptography@48.0.0",
				Python: &inventory.PythonDist{Location: "lib/python3.11/site-packages"}},
			{ID: "crate", Kind: inventory.KindLibrary, Name: "openssl", Version: "0.10.79", PURL: "pkg:cargo/openssl@0.10.79"},
			{ID: "clib", Kind: inventory.KindLibrary, Name: "openssl", Version: "4.0.0", PURL: "pkg:generic/openssl@4.0.0"},
			{ID: "pip", Kind: inventory.KindDistribution, Name: "pip", Version: "23.2.1", PURL: "pkg:pypi/pip@23.2.1",
				Python: &inventory.PythonDist{Location: "lib/python3.11/site-packages"}},
		},
		Relationships: []inventory.Relationship{
			{From: "env", Type: inventory.Contains, To: "cpython"}, {From: "cpython", Type: inventory.Contains, To: "bundled-pip"},
			{From: "crypto", Type: inventory.Contains, To: "crate"}, {From: "crypto", Type: inventory.Contains, To: "clib"},
		},
	}
	var buf bytes.Buffer
	if err := Encode(&buf, inv); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(buf.String(), "\n")[3:9] {
		rows = append(rows, strings.Join(strings.Fields(l[:strings.Index(l, " -")]), " ")+map[bool]string{true: " (indented)"}[strings.HasPrefix(l, "  ")])
	}
	want := []string{
		"cryptography 48.0.0 pypi distribution lib/python3.11/site-packages",
		"openssl 0.10.79 cargo library (indented)",
		"openssl 4.0.0 generic library (indented)",
		"pip 23.2.1 pypi distribution lib/python3.11/site-packages",
		"CPython 3.11.7 generic interpreter bin/python3.11",
		"pip 23.2.1 pypi distribution pip-23.2.1-py3-none-any.whl (indented)",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s\n\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"), buf.String())
	}
}

// TestPyenvPrefix: in pyenv 3.11.7's table the pip wheel ensurepip
// bundles sits indented under CPython, apart from the pip installed in
// site-packages, and the zlib module is not the zlib library.
func TestPyenvPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("reads pyenv 3.11.7's 38,000 files")
	}
	var buf bytes.Buffer
	if err := Encode(&buf, sbomtest.ReadSystem(t, realdata.PyenvPrefix(t, "3.11.7"))); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, re := range []string{
		`(?m)^pip +23\.2\.1 +pypi +distribution +lib/python3\.11/site-packages `,
		`(?m)^CPython +3\.11\.7 +generic +interpreter +bin/python3\.11 .*\n(  .*\n)*  pip +23\.2\.1 +pypi +distribution +pip-23\.2\.1-py3-none-any\.whl `,
		`(?m)^  CPython module zlib +3\.11\.7 +generic +library +lib/python3\.11/lib-dynload `,
		`(?m)^  zlib +1\.2\.13 +generic +library +/usr/lib/x86_64-linux-gnu/libz\.so`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no match for %s", re)
		}
	}
}
