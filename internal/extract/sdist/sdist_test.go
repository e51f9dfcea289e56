package sdist

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

func TestPKGInfo(t *testing.T) {
	dir := t.TempDir()
	file := fixture.Sdist(t, dir, "demo", "1.0", map[string]string{
		"PKG-INFO":  "Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nAuthor: Ann\nLicense: MIT\nRequires-Dist: idna\n",
		"setup.py":  "raise SystemExit('never run')\n",
		"demo/a.py": "x = 1\n",
		"link":      "symlink:/etc/passwd",
	})
	res, err := Read(file, archive.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Package
	data, _ := os.ReadFile(file)
	if p.ID != "pypi/demo@1.0" || p.Hash(inventory.SHA256) != fmt.Sprintf("%x", sha256.Sum256(data)) ||
		p.More().License.Expression != "MIT" || p.Supplier.Name != "Ann" || len(p.Files) != 3 || p.PURL != "pkg:pypi/demo@1.0?file_name=demo-1.0.tar.gz" {
		t.Errorf("package = %+v", p)
	}
	if len(res.Problems) != 1 || res.Problems[0].Kind != inventory.BadArchive || !strings.Contains(res.Problems[0].Message, "symbolic link to /etc/passwd") {
		t.Errorf("problems = %+v", res.Problems)
	}
}

func TestPyprojectFallback(t *testing.T) {
	dir := t.TempDir()
	file := fixture.Sdist(t, dir, "modern", "3.1", map[string]string{
		"pyproject.toml": "[project]\nname = \"modern\"\ndynamic = [\"version\"]\nlicense = \"Apache-2.0\"\n" +
			"authors = [{name = \"Mo\", email = \"mo@example.org\"}]\ndependencies = [\"attrs\"]\n",
		"src/modern/__init__.py": "",
	})
	res, err := Read(file, archive.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Package
	if p.Name != "modern" || p.Version != "3.1" || p.More().License.Expression != "Apache-2.0" || p.Supplier.Email != "mo@example.org" || p.Python.RequiresDist[0] != "attrs" {
		t.Errorf("package = %+v", p)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	none := fixture.Sdist(t, dir, "bare", "1", map[string]string{"README": "hi"})
	if _, err := Read(none, archive.DefaultLimits); err == nil || !strings.Contains(err.Error(), "no PKG-INFO or pyproject.toml") {
		t.Errorf("no metadata: %v", err)
	}
	bad := fixture.Sdist(t, dir, "badtoml", "1", map[string]string{"pyproject.toml": "[project\nname="})
	if _, err := Read(bad, archive.DefaultLimits); err == nil || !strings.Contains(err.Error(), "pyproject.toml: line 2: expected") {
		t.Errorf("malformed pyproject.toml: %v", err)
	}
	good := fixture.Sdist(t, dir, "trunc", "1", map[string]string{"PKG-INFO": "Name: trunc\nVersion: 1\n", "big.txt": strings.Repeat("data ", 20000)})
	data, _ := os.ReadFile(good)
	os.WriteFile(good, data[:len(data)/2], 0o644)
	if _, err := Read(good, archive.DefaultLimits); err == nil || !strings.Contains(err.Error(), "trunc-1.tar.gz") {
		t.Errorf("truncated: %v", err)
	}
	if _, _, ok := SplitName("nodash.tar.gz"); ok {
		t.Error("SplitName accepted a name without a version")
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	seed, _ := os.ReadFile(fixture.Sdist(f, dir, "a", "1", map[string]string{"PKG-INFO": "Name: a\nVersion: 1\n", "a.py": ""}))
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "a-1.tar.gz")
		os.WriteFile(file, data, 0o644)
		res, err := Read(file, archive.Limits{Member: 1 << 20, Total: 8 << 20, Ratio: 100})
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v with error %v", res, err)
		}
	})
}
