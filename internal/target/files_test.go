package target

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// fakePython writes an executable script that leaves a file behind when
// it runs, and returns the path of that file.
func fakePython(t *testing.T, exe, body string) string {
	t.Helper()
	ran := filepath.Join(t.TempDir(), "ran")
	fixture.WriteFile(t, exe, "#!/bin/sh\ntouch "+ran+"\n"+body+"\n")
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	return ran
}

// TestNothingRunByDefault: the interpreter of a venv, a prefix or an
// interpreter target is never run unless the caller asks for it.
func TestNothingRunByDefault(t *testing.T) {
	root := t.TempDir()
	venv := filepath.Join(root, "venv")
	fixture.WriteFile(t, filepath.Join(venv, "pyvenv.cfg"), "home = "+filepath.Join(root, "nowhere")+"\nversion = 3.12.1\n")
	fixture.WriteFile(t, filepath.Join(venv, "lib/python3.12/site-packages/a-1.dist-info/METADATA"), "Name: a\nVersion: 1\n")
	venvRan := fakePython(t, filepath.Join(venv, "bin", "python3"), "exit 1")
	prefix := filepath.Join(root, "prefix")
	fixture.WriteFile(t, filepath.Join(prefix, "lib/python3.10/site-packages/b-2.dist-info/METADATA"), "Name: b\nVersion: 2\n")
	fixture.WriteFile(t, filepath.Join(prefix, "include/python3.10/patchlevel.h"), "#define PY_VERSION \"3.10.4\"\n")
	prefixRan := fakePython(t, filepath.Join(prefix, "bin", "python3.10"), "exit 1")
	ctx := context.Background()
	for _, tgt := range []string{venv, prefix, filepath.Join(prefix, "bin", "python3.10")} {
		env, err := Resolve(ctx, tgt, Options{Getenv: func(string) string { return "" }})
		if err != nil {
			t.Errorf("%s: %v", tgt, err)
			continue
		}
		if env.Interpreter.Executed {
			t.Errorf("%s: executed", tgt)
		}
	}
	for _, f := range []string{venvRan, prefixRan} {
		if _, err := os.Stat(f); err == nil {
			t.Fatalf("an interpreter of the target was run (%s exists)", f)
		}
	}
	env, _ := Resolve(ctx, prefix, Options{})
	if env.Interpreter.Version != "3.10.4" || env.Interpreter.Markers["python_full_version"] != "3.10.4" {
		t.Errorf("prefix: version %s, markers %v", env.Interpreter.Version, env.Interpreter.Markers)
	}
	// The fake executable is a script, not a binary: the platform is
	// this machine's, and a note says so.
	if len(env.Notes) == 0 || !strings.Contains(strings.Join(env.Notes, " "), "this machine's platform") {
		t.Errorf("prefix notes: %v", env.Notes)
	}
	// Asked to, the interpreter is run (and this fake one fails).
	if env, err := Resolve(ctx, prefix, Options{Exec: true}); err != nil || env.Interpreter.Executed {
		t.Errorf("exec of a failing interpreter: %v %+v", err, env)
	}
	if _, err := os.Stat(prefixRan); err != nil {
		t.Error("with Exec the interpreter was not run")
	}
}

// TestQueryBounds: an interpreter run on request that sleeps or prints
// without end is stopped, with an error that names it.
func TestQueryBounds(t *testing.T) {
	dir := t.TempDir()
	sleeper := filepath.Join(dir, "sleepy", "bin", "python3")
	fakePython(t, sleeper, "sleep 60")
	talker := filepath.Join(dir, "talky", "bin", "python3")
	fakePython(t, talker, "exec yes")
	defer func(d time.Duration) { queryTimeout = d }(queryTimeout)
	queryTimeout = 500 * time.Millisecond
	start := time.Now()
	_, err := query(context.Background(), sleeper)
	if err == nil || !strings.Contains(err.Error(), sleeper) || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("sleeping interpreter: %v", err)
	}
	queryTimeout = time.Minute
	_, err = query(context.Background(), talker)
	if err == nil || !strings.Contains(err.Error(), talker) || !strings.Contains(err.Error(), "printed more than") {
		t.Errorf("talking interpreter: %v", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the bounds took %s to stop the interpreters", d)
	}
}

// TestPyenvShim resolves a shim as pyenv would, from its version files.
func TestPyenvShim(t *testing.T) {
	root := t.TempDir()
	pyroot := filepath.Join(root, "pyenv")
	shim := filepath.Join(pyroot, "shims", "python3")
	fixture.WriteFile(t, shim, "#!/usr/bin/env bash\nset -e\nprogram=\"${0##*/}\"\nexport PYENV_ROOT=\""+pyroot+"\"\nexec \""+pyroot+"/libexec/pyenv\" exec \"$program\" \"$@\"\n")
	os.Chmod(shim, 0o755)
	for _, v := range []string{"3.11.2", "3.11.7", "3.12.1"} {
		exe := filepath.Join(pyroot, "versions", v, "bin", "python3")
		fixture.WriteFile(t, exe, "binary")
		os.Chmod(exe, 0o755)
	}
	sys := filepath.Join(root, "usr", "bin", "python3")
	fixture.WriteFile(t, sys, "binary")
	os.Chmod(sys, 0o755)
	project := filepath.Join(root, "project", "sub")
	os.MkdirAll(project, 0o755)
	fixture.WriteFile(t, filepath.Join(root, "project", ".python-version"), "# pinned\n3.12.1\n")
	fixture.WriteFile(t, filepath.Join(pyroot, "version"), "3.11\n")
	env := func(kv ...string) Options {
		return Options{Getenv: func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			if k == "PATH" {
				return filepath.Join(pyroot, "shims") + ":" + filepath.Dir(sys)
			}
			return ""
		}}
	}
	tests := []struct {
		opt  Options
		want string
	}{
		{env("PYENV_VERSION", "3.11.2", "PYENV_DIR", project), "3.11.2"},
		{env("PYENV_DIR", project), "3.12.1"},
		{env("PYENV_DIR", root), "3.11.7"}, // $PYENV_ROOT/version says 3.11: the latest 3.11
		{env("PYENV_VERSION", "system"), "system"},
	}
	for _, tt := range tests {
		got, ok, err := pyenvShim(shim, tt.opt)
		want := filepath.Join(pyroot, "versions", tt.want, "bin", "python3")
		if tt.want == "system" {
			want = sys
		}
		if err != nil || !ok || got != want {
			t.Errorf("shim: %s %v %v, want %s", got, ok, err, want)
		}
	}
	if _, ok, err := pyenvShim(shim, env("PYENV_VERSION", "2.7.18")); !ok || err == nil || !strings.Contains(err.Error(), "PYENV_VERSION") {
		t.Errorf("no such version: %v %v", ok, err)
	}
	if _, ok, _ := pyenvShim(sys, env()); ok {
		t.Error("a binary taken for a shim")
	}
}

func TestCfgVersion(t *testing.T) {
	for in, want := range map[string]string{
		"version = 3.12.1":                    "3.12.1",
		"version_info = 3.13.0.candidate.1":   "3.13.0rc1",
		"version_info = 3.11.7.final.0":       "3.11.7",
		"version_info = 3.14.0.alpha.3":       "3.14.0a3",
		"version_info = 3.12":                 "3.12",
		"version = banana":                    "",
		"version_info = 3.12.1; rm -rf /.x.y": "",
	} {
		k, v, _ := strings.Cut(in, " = ")
		if got := cfgVersion(map[string]string{k: v}); got != want {
			t.Errorf("cfgVersion(%s) = %q, want %q", in, got, want)
		}
	}
	if got := implementationVersion("3.13.0rc1"); got != "3.13.0c1" {
		t.Errorf("implementation version of 3.13.0rc1 = %s", got)
	}
}

// TestVersionInBinary finds PY_VERSION among the strings of the real
// interpreters, for installations without patchlevel.h.
func TestVersionInBinary(t *testing.T) {
	cases := map[string]string{"/usr/bin/python3.11": "3.11"}
	for _, d := range []string{"3.11.7", "3.6.15", "2.7.18"} {
		minor := d[:strings.LastIndex(d, ".")]
		prefix := filepath.Join(pyenvRoot(), "versions", d)
		for _, b := range coreBinaries(installation{prefix: prefix, exe: filepath.Join(prefix, "bin", "python"+minor), minor: minor}) {
			cases[b] = minor
		}
	}
	found := 0
	for bin, minor := range cases {
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		found++
		v := versionInBinary(bin, minor)
		if strings.HasPrefix(bin, "/usr/bin") {
			if v != "3.11.2" {
				t.Errorf("%s: %q", bin, v)
			}
			continue
		}
		// Never a wrong version.
		if v != "" && !strings.HasPrefix(v, minor+".") {
			t.Errorf("%s: %q", bin, v)
		}
	}
	if found == 0 {
		t.Skip("no real interpreters here")
	}
	// pyenv's libpython holds PY_VERSION only as the tail of a longer
	// string (the linker merges them), so its patchlevel.h is what tells.
}

func FuzzParsePlatform(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00"))
	f.Add([]byte("\xcf\xfa\xed\xfe\x0c\x00\x00\x01"))
	f.Add([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x02"))
	mz := make([]byte, 0x80)
	copy(mz, "MZ")
	mz[0x3c] = 0x40
	copy(mz[0x40:], "PE\x00\x00\x64\x86")
	f.Add(mz)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePlatform(b)
		if err == nil && (p.Machine == "" || p.Sys == "" || p.OSName == "") {
			t.Errorf("platform without values: %+v", p)
		}
	})
}

// TestVersionAcrossChunks finds PY_VERSION wherever it falls against the
// chunks the binary is read in.
func TestVersionAcrossChunks(t *testing.T) {
	for _, at := range []int{0, 1<<20 - 10, 1<<20 - 3, 1 << 20, 3<<20 + 5} {
		data := make([]byte, 4<<20)
		for i := range data {
			data[i] = 'x'
		}
		copy(data[at:], "\x003.12.7\x00")
		copy(data[100:], "\x003.12.x\x00") // not a version
		p := filepath.Join(t.TempDir(), "python3.12")
		os.WriteFile(p, data, 0o755)
		if got := versionInBinary(p, "3.12"); got != "3.12.7" {
			t.Errorf("at %d: %q", at, got)
		}
	}
}
