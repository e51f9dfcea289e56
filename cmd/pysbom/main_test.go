package main

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pysbom/pysbom/internal/cli"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/golden"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pysbom": func() {
			os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: golden.Update(),
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// subst FILE...: replace $WORK in files with the script's work directory.
			"subst": func(ts *testscript.TestScript, neg bool, args []string) {
				for _, f := range args {
					data := ts.ReadFile(f)
					ts.Check(os.WriteFile(ts.MkAbs(f), []byte(strings.ReplaceAll(data, "$WORK", ts.Getenv("WORK"))), 0o644))
				}
			},
			// cr IN OUT: IN with old-Mac line endings (every LF a CR).
			"cr": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: cr IN OUT")
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(strings.ReplaceAll(ts.ReadFile(args[0]), "\n", "\r")), 0o644))
			},
			// mkwheel DIR: a wheel demo-1.0 that carries a CycloneDX SBOM.
			"mkwheel": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mkwheel DIR")
				}
				fixture.Wheel(ts, ts.MkAbs(args[0]), fixture.Dist{Name: "demo", Version: "1.0",
					Metadata: "Summary: A demo wheel\nAuthor: Ann\nLicense-Expression: MIT",
					Files:    map[string]string{"demo/__init__.py": ""},
					MetaFiles: map[string]string{"sboms/native.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.6",` +
						`"components":[{"bom-ref":"z","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1"}]}`},
				}, "py3-none-any", nil)
			},
			// cc OUT SRC FLAGS...: compile C with the machine's gcc (scripts check [cc] first).
			"cc": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: cc OUT SRC FLAGS...")
				}
				cmd := exec.Command("gcc", append(args[2:], "-o", ts.MkAbs(args[0]), ts.MkAbs(args[1]))...)
				if out, err := cmd.CombinedOutput(); err != nil {
					ts.Fatalf("gcc: %v\n%s", err, out)
				}
			},
			// truncate FILE N: cut FILE to its first N bytes.
			"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: truncate FILE N")
				}
				n, err := strconv.ParseInt(args[1], 10, 64)
				ts.Check(err)
				ts.Check(os.Truncate(ts.MkAbs(args[0]), n))
			},
			// zipdir DIR OUT: zip the files under DIR (a wheel when OUT ends in .whl).
			"zipdir": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: zipdir DIR OUT")
				}
				ts.Check(zipDir(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
			},
			// mkvenv DIR: the standard fixture virtualenv.
			"mkvenv": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mkvenv DIR")
				}
				fixture.Venv(ts, ts.MkAbs(args[0]))
			},
		},
		Condition: func(cond string) (bool, error) {
			if cond == "cc" {
				_, err := exec.LookPath("gcc")
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			// Scripts see no pyenv, no virtualenv and no interpreter but their own.
			env.Setenv("VIRTUAL_ENV", "")
			// testscript's own command directory comes first on PATH; keep only it.
			env.Setenv("PATH", filepath.SplitList(env.Getenv("PATH"))[0])
			return nil
		},
	})
}

// zipDir writes the regular files under dir into the zip file out.
func zipDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(w, src)
		return err
	})
	if err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestSIGTERM stops a running import with SIGTERM, as a CI runner's
// timeout does: pysbom exits with an error and leaves no temporary
// database behind.
func TestSIGTERM(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build pysbom with")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pysbom")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "osv")
	os.MkdirAll(src, 0o755)
	for i := range 30000 {
		r := fmt.Sprintf(`{"id": "T-%d", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "p%d"}, "versions": ["1"]}]}`, i, i)
		os.WriteFile(filepath.Join(src, fmt.Sprintf("t%d.json", i)), []byte(r), 0o644)
	}
	db := filepath.Join(dir, "v.db")
	cmd := exec.Command(bin, "db", "import", "--db", db, src)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Signal once the import has started writing its temporary database.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m, _ := filepath.Glob(db + ".import-*.tmp"); len(m) > 0 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()

	if m, _ := filepath.Glob(db + ".import-*.tmp"); len(m) > 0 {
		t.Errorf("SIGTERM left %v", m)
	}
	if err == nil {
		t.Log("the import finished before the signal arrived")
	}
}
