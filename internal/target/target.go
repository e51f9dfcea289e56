// Package target resolves what the user named (a virtualenv, a
// site-packages or dist-packages directory, an installation prefix, or a
// Python interpreter) into a Python environment: the directories that hold
// installed distributions and the interpreter facts that environment
// markers are evaluated against.
//
// # Security
//
// Nothing from the target is run: the interpreter's version, platform and
// site directories are read from its files (see files.go). Only when the
// caller asks for it (Options.Exec) is the target's interpreter run, in
// isolated mode without the site module (python -E -s -S), bounded in
// time and output, to print its version, paths and marker values.
package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep508"
)

// Environment is a resolved Python environment.
type Environment struct {
	// Path is the target as resolved to an absolute path.
	Path string
	// Kind is "venv", "prefix", "site-packages" or "interpreter".
	Kind string
	// SiteDirs are the directories holding installed distributions.
	SiteDirs []string
	// Interpreter describes the Python the environment belongs to.
	Interpreter Interpreter
	// Notes are things the user should know about how the environment was
	// read, such as markers evaluated without a real interpreter.
	Notes []string
}

// Interpreter describes a Python interpreter.
type Interpreter struct {
	// Path is the executable, "" when none was found.
	Path string
	// Implementation is sys.implementation.name ("cpython", "pypy").
	Implementation string
	// Version is the full version ("3.11.7"); "3.11" when only the
	// minor version could be learnt.
	Version string
	// Markers are the environment-marker values of the interpreter.
	Markers pep508.Env
	// Executed is true when the values came from running the
	// interpreter (Options.Exec); else they were read from its files.
	Executed bool
	// VersionFrom and PlatformFrom name the files the version and the
	// platform were read from; "" when executed or not found.
	VersionFrom, PlatformFrom string
	// Executable and Prefix are the real installation behind a pyenv
	// shim or a virtualenv: its interpreter and its prefix (what
	// sys.executable and sys.base_prefix would say); "" when unknown.
	Executable, Prefix string
}

// ErrNotEnvironment is returned when the target holds no Python environment.
var ErrNotEnvironment = errors.New("not a Python environment")

// NotEnvironmentError explains why a path is not a Python environment.
type NotEnvironmentError struct{ Path string }

func (e *NotEnvironmentError) Error() string {
	return fmt.Sprintf("%s: not a Python environment: no pyvenv.cfg, lib/python*/site-packages, dist-packages, *.dist-info or Python interpreter found", e.Path)
}

// Hint tells the user what to point pysbom at instead.
func (e *NotEnvironmentError) Hint() string {
	return "give a virtualenv, a site-packages folder, a Python prefix such as ~/.pyenv/versions/3.12.1, or a python executable"
}

func (e *NotEnvironmentError) Unwrap() error { return ErrNotEnvironment }

// Options control resolution.
type Options struct {
	// Getenv reads environment variables; os.Getenv when nil.
	Getenv func(string) string
	// LookPath finds executables; exec.LookPath when nil.
	LookPath func(string) (string, error)
	// Exec allows running the target's interpreter to ask it for its
	// facts. By default nothing from the target is run.
	Exec bool
}

// Resolve resolves arg, or the environment in use when arg is "".
func Resolve(ctx context.Context, arg string, opt Options) (*Environment, error) {
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	if opt.LookPath == nil {
		opt.LookPath = exec.LookPath
	}
	if arg == "" {
		if venv := opt.Getenv("VIRTUAL_ENV"); venv != "" {
			arg = venv
		} else {
			py, err := opt.LookPath("python3")
			if err != nil {
				return nil, fmt.Errorf("no target given, VIRTUAL_ENV is not set and python3 is not on PATH: %w", err)
			}
			arg = py
		}
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		if fi.Mode()&0o111 == 0 {
			return nil, &NotEnvironmentError{Path: abs}
		}
		return fromInterpreter(ctx, abs, opt)
	}
	return fromDir(ctx, abs, opt)
}

func fromInterpreter(ctx context.Context, exe string, opt Options) (*Environment, error) {
	if real, shim, err := pyenvShim(exe, opt); err != nil {
		return nil, err
	} else if shim {
		exe = real
	}
	// An interpreter inside a virtualenv belongs to it (Python looks for
	// pyvenv.cfg beside the executable or one folder up).
	for _, d := range []string{filepath.Dir(exe), filepath.Dir(filepath.Dir(exe))} {
		if isFile(filepath.Join(d, "pyvenv.cfg")) {
			env, err := fromDir(ctx, d, opt)
			if err == nil {
				env.Interpreter.Path = exe
			}
			return env, err
		}
	}
	if opt.Exec {
		return executedInterpreter(ctx, exe)
	}
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		return nil, err
	}
	prefix := filepath.Dir(filepath.Dir(real))
	minor := minorOf(real, prefix)
	in, notes := fromFiles(installation{prefix: prefix, exe: real, minor: minor})
	in.Path = exe
	env := &Environment{Path: exe, Kind: "interpreter", Interpreter: in, Notes: notes}
	env.SiteDirs = installationSiteDirs(prefix, minor)
	if len(env.SiteDirs) == 0 {
		return nil, fmt.Errorf("%s: no site-packages or dist-packages directory of Python %s under %s", exe, orUnknown(minor), prefix)
	}
	return env, nil
}

// executedInterpreter asks the interpreter itself (only on request).
func executedInterpreter(ctx context.Context, exe string) (*Environment, error) {
	q, err := query(ctx, exe)
	if err != nil {
		return nil, err
	}
	env := &Environment{Path: exe, Kind: "interpreter", Interpreter: q.interpreter(exe), Notes: []string{ranNote(exe)}}
	for _, d := range q.SitePaths {
		if isDir(d) && !slices.Contains(env.SiteDirs, d) {
			env.SiteDirs = append(env.SiteDirs, d)
		}
	}
	if len(env.SiteDirs) == 0 {
		return nil, fmt.Errorf("%s: the interpreter reports no existing site-packages directory", exe)
	}
	return env, nil
}

func ranNote(exe string) string {
	return fmt.Sprintf("the interpreter %s was run (python -E -s -S), as asked, for its version, platform and site directories", exe)
}

// minorOf is the minor version of the interpreter real: from its name
// (python3.11), else the one lib/pythonX.Y of its prefix that has a
// standard library.
func minorOf(real, prefix string) string {
	if m := minorRE.FindStringSubmatch(filepath.Base(real)); m != nil {
		return m[1]
	}
	var found []string
	for _, pattern := range []string{"lib/python*/os.py", "lib/pypy*/os.py"} {
		libs, _ := filepath.Glob(filepath.Join(prefix, pattern))
		for _, l := range libs {
			if m := minorRE.FindStringSubmatch(filepath.Base(filepath.Dir(l))); m != nil {
				found = append(found, m[1])
			}
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// installationSiteDirs are the site directories an installation's
// interpreter puts on sys.path, in sys.path's order (site.getsitepackages),
// those that exist.
func installationSiteDirs(prefix, minor string) []string {
	if minor == "" {
		return prefixSiteDirs(prefix)
	}
	py := "python" + minor
	var cands []string
	if strings.HasPrefix(minor, "3.") && isDir(filepath.Join(prefix, "lib", "python3", "dist-packages")) {
		// Debian's and Ubuntu's patched site module.
		cands = []string{filepath.Join(prefix, "local", "lib", py, "dist-packages"),
			filepath.Join(prefix, "lib", "python3", "dist-packages"), filepath.Join(prefix, "lib", py, "dist-packages")}
	} else {
		cands = []string{filepath.Join(prefix, "lib64", py, "site-packages"), filepath.Join(prefix, "lib", py, "site-packages"),
			filepath.Join(prefix, "lib", "pypy"+minor, "site-packages"), filepath.Join(prefix, "Lib", "site-packages")}
		if strings.HasPrefix(minor, "2.") {
			cands = append(cands, filepath.Join(prefix, "lib", "site-python"))
		}
	}
	var out []string
	for _, c := range cands {
		if isDir(c) {
			out = append(out, c)
		}
	}
	return out
}

func fromDir(ctx context.Context, dir string, opt Options) (*Environment, error) {
	env := &Environment{Path: dir}
	var cfg map[string]string
	switch {
	case isFile(filepath.Join(dir, "pyvenv.cfg")):
		env.Kind = "venv"
		env.SiteDirs = prefixSiteDirs(dir)
		cfg = readVenvCfg(filepath.Join(dir, "pyvenv.cfg"))
		if strings.EqualFold(cfg["include-system-site-packages"], "true") && cfg["home"] != "" {
			// The base installation's packages are importable too, after
			// the venv's own: home is the base interpreter's bin directory.
			base := filepath.Dir(cfg["home"])
			for _, d := range prefixSiteDirs(base) {
				if !slices.Contains(env.SiteDirs, d) {
					env.SiteDirs = append(env.SiteDirs, d)
				}
			}
			env.Notes = append(env.Notes, "include-system-site-packages: the site directories of "+base+" are included")
		}
	case hasMetadata(dir):
		env.Kind = "site-packages"
		env.SiteDirs = []string{dir}
	default:
		env.Kind = "prefix"
		env.SiteDirs = prefixSiteDirs(dir)
	}
	if len(env.SiteDirs) == 0 {
		return nil, &NotEnvironmentError{Path: dir}
	}
	minor := minorFromSiteDir(env.SiteDirs[0])
	if opt.Exec {
		// The interpreter that belongs to the environment, if it has one.
		if exe := findInterpreter(dir, env.Kind, minor); exe != "" {
			q, err := query(ctx, exe)
			if err == nil {
				env.Interpreter = q.interpreter(exe)
				env.Notes = append(env.Notes, ranNote(exe))
				return env, nil
			}
			env.Notes = append(env.Notes, fmt.Sprintf("could not query %s (%v)", exe, err))
		}
	}
	in := installationOf(dir, env.Kind, minor, cfg)
	var notes []string
	env.Interpreter, notes = fromFiles(in)
	if env.Kind == "venv" {
		env.Interpreter.Path = findInterpreter(dir, env.Kind, minor)
	}
	env.Notes = append(env.Notes, notes...)
	return env, nil
}

// installationOf is the Python installation an environment belongs to:
// a virtualenv's base (pyvenv.cfg's home, the folder of the base
// interpreter), the prefix itself, or the prefix of a site-packages.
func installationOf(dir, kind, minor string, cfg map[string]string) installation {
	in := installation{prefix: dir, minor: minor, cfg: cfg}
	switch kind {
	case "venv":
		in.prefix = ""
		if home := cfg["home"]; home != "" {
			in.prefix = filepath.Dir(home)
			in.exe = baseExecutable(home, minor, cfg)
		}
		return in
	case "site-packages":
		// <prefix>/lib/pythonX.Y/site-packages, <prefix>/lib/python3/dist-packages
		in.prefix = filepath.Dir(filepath.Dir(filepath.Dir(dir)))
	}
	in.exe = findInterpreter(in.prefix, "prefix", minor)
	if real, err := filepath.EvalSymlinks(in.exe); err == nil && in.exe != "" {
		in.exe = real
	}
	return in
}

// baseExecutable is the base interpreter of a virtualenv: pyvenv.cfg's
// executable (venv) or base-executable (virtualenv), else pythonX.Y in
// home.
func baseExecutable(home, minor string, cfg map[string]string) string {
	cands := []string{cfg["executable"], cfg["base-executable"]}
	if minor != "" {
		cands = append(cands, filepath.Join(home, "python"+minor))
	}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if real, err := filepath.EvalSymlinks(c); err == nil && isFile(real) {
			return real
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(version unknown)"
	}
	return s
}

// prefixSiteDirs finds the site directories of a prefix or virtualenv.
func prefixSiteDirs(prefix string) []string {
	var out []string
	for _, pattern := range []string{
		"lib/python*/site-packages", "lib64/python*/site-packages",
		"lib/python*/dist-packages", "lib/python3/dist-packages",
		"local/lib/python*/dist-packages", "lib/pypy*/site-packages",
		"Lib/site-packages", "site-packages",
	} {
		matches, _ := filepath.Glob(filepath.Join(prefix, pattern))
		sort.Strings(matches)
		for _, m := range matches {
			real, err := filepath.EvalSymlinks(m)
			if err != nil || !isDir(real) {
				continue
			}
			dup := false
			for _, o := range out {
				if r, _ := filepath.EvalSymlinks(o); r == real {
					dup = true
				}
			}
			if !dup {
				out = append(out, m)
			}
		}
	}
	return out
}

// hasMetadata reports whether dir directly holds installed distributions.
func hasMetadata(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".dist-info") || strings.HasSuffix(n, ".egg-info") {
			return true
		}
	}
	return false
}

var minorRE = regexp.MustCompile(`(?:python|pypy)(\d+\.\d+)`)

func minorFromSiteDir(dir string) string {
	m := minorRE.FindAllStringSubmatch(filepath.ToSlash(dir), -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// findInterpreter looks for the environment's own python executable.
func findInterpreter(dir, kind, minor string) string {
	prefix := dir
	if kind == "site-packages" {
		// <prefix>/lib/pythonX.Y/site-packages
		prefix = filepath.Dir(filepath.Dir(filepath.Dir(dir)))
	}
	var names []string
	if minor != "" {
		names = append(names, "python"+minor)
	}
	names = append(names, "python3", "python")
	for _, n := range names {
		exe := filepath.Join(prefix, "bin", n)
		if fi, err := os.Stat(exe); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return exe
		}
	}
	return ""
}

// readVenvCfg reads the "key = value" lines of pyvenv.cfg.
func readVenvCfg(file string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(file)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return out
}

func isDir(p string) bool  { fi, err := os.Stat(p); return err == nil && fi.IsDir() }
func isFile(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }

// Artifacts reports whether arg names Python artifacts rather than an
// environment: a wheel or sdist file (dir is then ""), or a folder that
// holds wheels or sdists and no environment (a wheelhouse).
func Artifacts(arg string) (dir string, files []string, ok bool) {
	fi, err := os.Stat(arg)
	if err != nil {
		return "", nil, false
	}
	if !fi.IsDir() {
		if isArtifact(fi.Name()) {
			return "", []string{arg}, true
		}
		return "", nil, false
	}
	if isFile(filepath.Join(arg, "pyvenv.cfg")) || hasMetadata(arg) || len(prefixSiteDirs(arg)) > 0 {
		return "", nil, false
	}
	entries, err := os.ReadDir(arg)
	if err != nil {
		return "", nil, false
	}
	for _, e := range entries {
		if e.Type().IsRegular() && isArtifact(e.Name()) {
			files = append(files, filepath.Join(arg, e.Name()))
		}
	}
	abs, _ := filepath.Abs(arg)
	return abs, files, len(files) > 0
}

func isArtifact(name string) bool {
	for _, s := range []string{".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}
