package site

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

func problems(res *Result) []string {
	var out []string
	for _, p := range res.Problems {
		out = append(out, fmt.Sprintf("%s %s %s: %s", p.Kind, p.Package, p.Path, p.Message))
	}
	sort.Strings(out)
	return out
}

func b64(sum []byte) string { return base64.RawURLEncoding.EncodeToString(sum) }

func TestDefects(t *testing.T) {
	site := t.TempDir()
	orig := "certificates\n"
	s256 := sha256.Sum256([]byte(orig))
	s512 := sha512.Sum512([]byte("x = 1\n"))
	name := "pkg/na\xefve.py" // not UTF-8
	nameSum := sha256.Sum256([]byte("# latin-1 name\n"))
	fixture.WriteFile(t, filepath.Join(site, "demo-1.dist-info/METADATA"), "Name: demo\nVersion: 1\n")
	fixture.WriteFile(t, filepath.Join(site, "demo-1.dist-info/RECORD"),
		"pkg/cacert.pem,sha256="+b64(s256[:])+fmt.Sprintf(",%d\n", len(orig))+
			"pkg/five.py,sha512="+b64(s512[:])+",6\n"+
			"pkg/sized.py,,99\n"+
			name+",sha256="+b64(nameSum[:])+",15\n"+
			"../../../../../etc/hostname,,\n"+
			"demo-1.dist-info/METADATA,,\ndemo-1.dist-info/RECORD,,\n")
	fixture.WriteFile(t, filepath.Join(site, "pkg/cacert.pem"), orig+"appended CA\n")
	fixture.WriteFile(t, filepath.Join(site, "pkg/five.py"), "x = 1\n")
	fixture.WriteFile(t, filepath.Join(site, "pkg/sized.py"), "tiny\n")
	fixture.WriteFile(t, filepath.Join(site, name), "# latin-1 name\n")
	fixture.WriteFile(t, filepath.Join(site, "pkg/__pycache__/five.cpython-312.pyc"), "bytecode")
	fixture.WriteFile(t, filepath.Join(site, "evil.pth"), "import os; os.system('true')\n")
	fixture.WriteFile(t, filepath.Join(site, "README.txt"), "This directory exists so that 3rd party packages can be installed here.\n")

	res, err := Scan(context.Background(), site, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := problems(res)
	want := []string{
		"bad-record pypi/demo@1 ../../../../../etc/hostname: path leaves the environment; not read",
		"hash-mismatch pypi/demo@1 pkg/cacert.pem: sha256 differs from RECORD: the first 13 bytes are as recorded and 12 bytes were appended after installation",
		"size-mismatch pypi/demo@1 pkg/sized.py: size 5 differs from RECORD's 99",
		"unlisted-file  evil.pth: no installed distribution lists this .pth file, which the interpreter processes at start-up",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Packages) != 1 {
		t.Fatalf("%d packages", len(res.Packages))
	}
	files := map[string]inventory.File{}
	for _, f := range res.Packages[0].Files {
		files[f.Path] = f
	}
	if f, ok := files[name]; !ok || f.Hash(inventory.SHA256) != fmt.Sprintf("%x", nameSum) {
		t.Errorf("non-UTF-8 file name not hashed: %+v", files)
	}
	if f := files["pkg/five.py"]; f.Hash(inventory.SHA1) == "" || f.Size != 6 {
		t.Errorf("pkg/five.py = %+v", f)
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	site := t.TempDir()
	fixture.WriteFile(t, filepath.Join(site, "d-1.dist-info/METADATA"), "Name: d\nVersion: 1\n")
	fixture.WriteFile(t, filepath.Join(site, "d-1.dist-info/RECORD"), "d/secret.py,,\n")
	fixture.WriteFile(t, filepath.Join(site, "d/secret.py"), "x")
	os.Chmod(filepath.Join(site, "d/secret.py"), 0)
	res, err := Scan(context.Background(), site, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(res); len(got) != 1 || !strings.Contains(got[0], "unreadable pypi/d@1 d/secret.py") {
		t.Errorf("problems = %v", got)
	}
}

func TestCancel(t *testing.T) {
	site := fixture.Write(t, t.TempDir(), fixture.Standard()...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, site, Options{}); err == nil {
		t.Error("a cancelled scan returned no error")
	}
}
