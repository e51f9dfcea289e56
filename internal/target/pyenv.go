package target

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// A pyenv shim is a shell script that runs `pyenv exec PROGRAM`, which
// picks the interpreter from pyenv's version files. pysbom reads the
// same files instead of running the script, in pyenv's order:
// PYENV_VERSION, then the first .python-version from the working
// directory up, then $PYENV_ROOT/version, then "system" (the program on
// PATH outside pyenv's shims).

var shimRootRE = regexp.MustCompile(`(?m)^export PYENV_ROOT="([^"]+)"`)

// pyenvShim returns the executable the pyenv shim exe would run; ok is
// false when exe is not a shim.
func pyenvShim(exe string, opt Options) (real string, ok bool, err error) {
	data, err := rootfs.ReadRegular(exe, 64<<10)
	if err != nil || !bytes.HasPrefix(data, []byte("#!")) || !bytes.Contains(data, []byte(`" exec "$program"`)) {
		return "", false, nil
	}
	m := shimRootRE.FindSubmatch(data)
	if m == nil {
		return "", true, fmt.Errorf("%s: a pyenv shim that does not say where pyenv is", exe)
	}
	root := string(m[1])
	if r := opt.Getenv("PYENV_ROOT"); r != "" {
		root = r
	}
	program := filepath.Base(exe)
	versions, from := pyenvVersions(root, opt)
	for _, v := range versions {
		if v == "system" {
			if p := systemProgram(program, root, opt); p != "" {
				return p, true, nil
			}
			continue
		}
		dir := pyenvVersionDir(root, v)
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "bin", program)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, true, nil
		}
	}
	return "", true, fmt.Errorf("%s: pyenv shim for %s, but no version that %s selects (%s) has it", exe, program, from, strings.Join(versions, ", "))
}

// pyenvVersions are the version names pyenv would use, and where they
// came from.
func pyenvVersions(root string, opt Options) ([]string, string) {
	if v := opt.Getenv("PYENV_VERSION"); v != "" {
		return strings.Split(v, ":"), "PYENV_VERSION"
	}
	dir := opt.Getenv("PYENV_DIR")
	if dir == "" {
		dir, _ = os.Getwd()
	}
	for dir != "" {
		f := filepath.Join(dir, ".python-version")
		if vs := versionFile(f); len(vs) > 0 {
			return vs, f
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	f := filepath.Join(root, "version")
	if vs := versionFile(f); len(vs) > 0 {
		return vs, f
	}
	return []string{"system"}, "pyenv's default"
}

// versionFile reads the version names of a pyenv version file: words,
// with comment lines skipped and names holding path separators refused.
func versionFile(file string) []string {
	data, err := rootfs.ReadRegular(file, 64<<10)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			if !strings.Contains(w, "/") && w != ".." && w != "." {
				out = append(out, w)
			}
		}
	}
	return out
}

// pyenvVersionDir is the directory of version name v: an installed
// version of that name, else (as pyenv resolves "3.11") the latest
// installed release that starts with it.
func pyenvVersionDir(root, v string) string {
	dir := filepath.Join(root, "versions", v)
	if isDir(dir) {
		return dir
	}
	entries, _ := os.ReadDir(filepath.Join(root, "versions"))
	var best string
	var bestV pep440.Version
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, v+".") {
			continue
		}
		pv, err := pep440.Parse(name)
		if err != nil || pv.IsPrerelease() {
			continue
		}
		if best == "" || pv.Compare(bestV) > 0 {
			best, bestV = name, pv
		}
	}
	if best == "" {
		return ""
	}
	return filepath.Join(root, "versions", best)
}

// systemProgram finds program on PATH outside pyenv's shims.
func systemProgram(program, root string, opt Options) string {
	for _, d := range filepath.SplitList(opt.Getenv("PATH")) {
		if d == "" || filepath.Base(d) == "shims" || strings.HasPrefix(d, root+string(filepath.Separator)) {
			continue
		}
		p := filepath.Join(d, program)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}
