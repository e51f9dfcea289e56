// Package target resolves what the user named (a virtualenv, a
// site-packages or dist-packages directory, an installation prefix, or a
// Python interpreter) into a Python environment: the directories that hold
// installed distributions and the interpreter facts that environment
// markers are evaluated against.
//
// # Security
//
// The only code ever run is the interpreter of the target itself, in
// isolated mode without the site module (python -E -s -S), to print its
// version, paths and marker values. Nothing from the scanned packages is
// imported or executed.
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
	// Queried is true when the values came from running the interpreter.
	Queried bool
	// Executable and Prefix are sys.executable and sys.base_prefix as
	// the interpreter reported them (the real installation behind a
	// pyenv shim or a virtualenv); "" when not queried.
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
	// NoExec forbids running any interpreter.
	NoExec bool
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
	if opt.NoExec {
		return nil, fmt.Errorf("%s: an interpreter target needs to run the interpreter, which is not allowed here", exe)
	}
	q, err := query(ctx, exe)
	if err != nil {
		return nil, err
	}
	env := &Environment{Path: exe, Kind: "interpreter", Interpreter: q.interpreter(exe)}
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

func fromDir(ctx context.Context, dir string, opt Options) (*Environment, error) {
	env := &Environment{Path: dir}
	switch {
	case isFile(filepath.Join(dir, "pyvenv.cfg")):
		env.Kind = "venv"
		env.SiteDirs = prefixSiteDirs(dir)
		cfg := readVenvCfg(filepath.Join(dir, "pyvenv.cfg"))
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
	// The interpreter that belongs to the environment, if it has one.
	minor := minorFromSiteDir(env.SiteDirs[0])
	if exe := findInterpreter(dir, env.Kind, minor); exe != "" && !opt.NoExec {
		q, err := query(ctx, exe)
		if err == nil {
			env.Interpreter = q.interpreter(exe)
			return env, nil
		}
		env.Notes = append(env.Notes, fmt.Sprintf("could not query %s (%v)", exe, err))
	}
	version := minor
	if env.Kind == "venv" {
		if v := venvVersion(filepath.Join(dir, "pyvenv.cfg")); v != "" {
			version = v
		}
	}
	env.Interpreter = hostInterpreter(version)
	env.Notes = append(env.Notes, fmt.Sprintf("no interpreter queried: environment markers evaluated for CPython %s on this machine's platform", orUnknown(version)))
	return env, nil
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

func venvVersion(file string) string {
	cfg := readVenvCfg(file)
	version := cfg["version_info"]
	if version == "" {
		version = cfg["version"]
	}
	// version_info may be "3.12.1.final.0".
	parts := strings.Split(version, ".")
	if len(parts) > 3 {
		version = strings.Join(parts[:3], ".")
	}
	return version
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
