package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
			// mkvenv DIR: the standard fixture virtualenv.
			"mkvenv": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mkvenv DIR")
				}
				fixture.Venv(ts, ts.MkAbs(args[0]))
			},
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
