package wheel

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/wheelname"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

const cdx = `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
 {"type": "library", "bom-ref": "z", "name": "zlib", "version": "1.3.1", "purl": "pkg:generic/zlib@1.3.1"}]}`

func problems(r *Result) []string {
	var out []string
	for _, p := range r.Carried.Problems {
		out = append(out, string(p.Kind)+" "+p.Path+": "+p.Message)
	}
	sort.Strings(out)
	return out
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := fixture.Wheel(t, dir, fixture.Dist{
		Name: "demo-pkg", Version: "2.0",
		Metadata: "Author: Ann\nLicense-Expression: MIT\nLicense-File: LICENSE\nRequires-Dist: idna>=3",
		Files: map[string]string{
			"demo_pkg/__init__.py": "x = 1\n", "demo_pkg/_native.so": "\x7fELF...",
			"demo_pkg/_vendor/vendor.txt": "six==1.16.0\n",
		},
		MetaFiles: map[string]string{"sboms/native.cdx.json": cdx, "licenses/LICENSE": "MIT\n"},
		Tamper:    map[string]string{"demo_pkg/__init__.py": "x = 2\n"},
		Missing:   []string{"demo_pkg/gone.py"},
	}, "cp312-cp312-manylinux_2_28_x86_64", map[string]string{"demo_pkg/extra.py": "# not in RECORD\n"})
	res, err := Read(file, archive.DefaultLimits, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Package
	data, _ := os.ReadFile(file)
	sum := fmt.Sprintf("%x", sha256.Sum256(data))
	if p.ID != "pypi/demo-pkg@2.0" || p.PURL != "pkg:pypi/demo-pkg@2.0?file_name=demo_pkg-2.0-cp312-cp312-manylinux_2_28_x86_64.whl" ||
		p.Hash(inventory.SHA256) != sum || p.More().License.Expression != "MIT" || len(p.Python.RequiresDist) != 1 {
		t.Errorf("package = %+v", p)
	}
	if got := p.More().License.Files; len(got) != 1 || got[0] != "demo_pkg-2.0.dist-info/licenses/LICENSE" {
		t.Errorf("license files = %v", got)
	}
	if len(p.Files) != 9 {
		t.Errorf("%d files, want 9", len(p.Files))
	}
	props := map[string]string{}
	for _, pr := range p.Properties {
		props[pr.Name] = pr.Value
	}
	if props["pysbom:wheel:tags"] != "cp312-cp312-manylinux_2_28_x86_64" || props["pysbom:wheel:generator"] != "fixture 1.0" {
		t.Errorf("properties = %v", props)
	}
	want := []string{
		"bad-binary demo_pkg/_native.so: native binary cannot be parsed: truncated: its headers point past the end of the file (7 bytes)",
		"hash-mismatch demo_pkg/__init__.py: sha256 differs from RECORD: file changed after the wheel was built",
		"missing-file demo_pkg/gone.py: listed in RECORD but not in the wheel",
		"unlisted-file demo_pkg/extra.py: in the wheel but not in its RECORD",
	}
	if diff := cmp.Diff(want, problems(res)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var carried []string
	for _, c := range res.Carried.Packages {
		carried = append(carried, c.ID)
	}
	sort.Strings(carried)
	if diff := cmp.Diff([]string{"pypi/demo-pkg@2.0>generic/zlib@1.3.1", "pypi/demo-pkg@2.0>pypi/six@1.16.0"}, carried); diff != "" {
		t.Errorf("carried (-want +got):\n%s", diff)
	}
}

func TestHostileWheel(t *testing.T) {
	dir := t.TempDir()
	file := fixture.Wheel(t, dir, fixture.Dist{Name: "evil", Version: "1"}, "py3-none-any",
		map[string]string{"../../outside.py": "x", "/abs.py": "x"})
	res, err := Read(file, archive.DefaultLimits, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems(res), "\n")
	if !strings.Contains(got, "bad-archive ../../outside.py: member name leaves the archive") || !strings.Contains(got, "bad-archive /abs.py: absolute member name") {
		t.Errorf("problems:\n%s", got)
	}
	// Truncated: an error naming the file.
	data, _ := os.ReadFile(file)
	trunc := filepath.Join(dir, "trunc-1-py3-none-any.whl")
	os.WriteFile(trunc, data[:len(data)/2], 0o644)
	if _, err := Read(trunc, archive.DefaultLimits, nil); err == nil || !strings.Contains(err.Error(), "trunc-1-py3-none-any.whl") {
		t.Errorf("truncated wheel: %v", err)
	}
	// Not a wheel name.
	if _, err := Read(filepath.Join(dir, "x.zip"), archive.DefaultLimits, nil); err == nil {
		t.Error("x.zip read as a wheel")
	}
	// METADATA disagreeing with the file name.
	other := fixture.Wheel(t, dir, fixture.Dist{Name: "other", Version: "1"}, "py3-none-any", nil)
	renamed := filepath.Join(dir, "other-2-py3-none-any.whl")
	os.Rename(other, renamed)
	res, err = Read(renamed, archive.DefaultLimits, nil)
	if err != nil || !strings.Contains(strings.Join(problems(res), "\n"), "METADATA says other 1 but the file name says other 2") {
		t.Errorf("name mismatch: %v %v", problems(res), err)
	}
}

// TestEnsurepipWheels reads every wheel bundled with the pyenv Pythons
// (ensurepip's and the test suite's):
// each verifies against its RECORD, and every pip wheel lists what it
// vendors, with versions.
func TestEnsurepipWheels(t *testing.T) {
	root := realdata.PyenvRoot(t)
	wheels, _ := filepath.Glob(filepath.Join(root, "versions", "*", "lib", "python*", "ensurepip", "_bundled", "*.whl"))
	// CPython's test suite carries wheels too (test/wheeldata, test_importlib).
	for _, pattern := range []string{"test/*.whl", "test/*/*.whl", "test/*/*/*.whl", "test/*/*/*/*.whl"} {
		more, _ := filepath.Glob(filepath.Join(root, "versions", "*", "lib", "python*", pattern))
		wheels = append(wheels, more...)
	}
	if len(wheels) == 0 {
		t.Skip("no ensurepip wheels")
	}
	for _, w := range wheels {
		res, err := Read(w, archive.DefaultLimits, nil)
		if err != nil {
			t.Errorf("%s: %v", w, err)
			continue
		}
		for _, p := range res.Carried.Problems {
			if p.Kind != inventory.UnknownVendored {
				t.Errorf("%s: %+v", filepath.Base(w), p)
			}
		}
		n, _ := wheelname.Parse(filepath.Base(w))
		if n.Distribution != "pip" {
			continue
		}
		vendored := 0
		for _, c := range res.Carried.Packages {
			if strings.HasPrefix(c.PURL, "pkg:pypi/") && c.Version != "" {
				vendored++
			}
		}
		if vendored < 10 {
			t.Errorf("%s: %d vendored packages with versions", filepath.Base(w), vendored)
		}
		if n.Version == "23.2.1" && vendored != 23 {
			t.Errorf("%s: %d vendored packages, want 23", filepath.Base(w), vendored)
		}
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	seed, _ := os.ReadFile(fixture.Wheel(f, dir, fixture.Dist{Name: "a", Version: "1", Files: map[string]string{"a/__init__.py": ""},
		MetaFiles: map[string]string{"sboms/x.cdx.json": cdx}}, "py3-none-any", nil))
	f.Add(seed)
	name, _ := wheelname.Parse("a-1-py3-none-any.whl")
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := archive.OpenZip(strings.NewReader(string(data)), int64(len(data)), archive.Limits{Member: 1 << 20, Total: 8 << 20, Ratio: 100})
		if err != nil {
			return
		}
		res, err := read(z, name, "00", nil)
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v with error %v", res, err)
		}
	})
}
