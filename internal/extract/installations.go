package extract

// The Python installations of a root file system, found and classified
// from their files alone.

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
)

// Kinds of Python installation in a root file system.
const (
	instDistro     = "distro"                  // the distribution's python3 package
	instSource     = "source-built"            // built from source into a prefix (/usr/local in the official images)
	instStandalone = "python-build-standalone" // uv python install, and many base images
	instVenv       = "venv"
	instConda      = "conda"
	instLoose      = "site-packages" // a folder of distributions with no interpreter beside it
	instPyPy       = "pypy"
)

// installation is one Python installation of a root file system. Names
// are the tree's (no leading slash).
type installation struct {
	prefix      string
	kind        string
	minor       string // "3.12"
	version     string // "3.12.7", "" when no file tells
	versionFrom string
	exe         string                   // the interpreter, "" when none
	home        string                   // a venv's: the prefix of the interpreter it runs on
	owner       *inventory.DistroPackage // the OS package that installed the interpreter
	sites       []string
	interp      *inventory.Package
	// impl is "pypy" for a PyPy installation ("" for CPython): its
	// version is then the Python it implements, pypy PyPy's own ("7.3.17",
	// "" when no file tells).
	impl, pypy string
}

// siteRE splits a site directory into its prefix and its pythonX.Y.
var siteRE = regexp.MustCompile(`^(?:(.*)/)?lib(?:64)?/(python[23](?:\.\d+)?|pypy[^/]*)/(?:site|dist)-packages$`)

// skipDirs are never walked for Python installations.
var skipDirs = map[string]bool{"proc": true, "sys": true, "dev": true}

// findSites walks the tree for site directories: */lib/pythonX.Y/
// site-packages and dist-packages, and any other folder holding a
// .dist-info directory (pip install --target).
func findSites(ctx context.Context, tree fs.FS) []string {
	var sites []string
	loose := map[string]bool{}
	fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil || !d.IsDir() {
			return nil
		}
		base := path.Base(p)
		switch {
		case skipDirs[p]:
			return fs.SkipDir
		case base == "site-packages" || base == "dist-packages":
			sites = append(sites, p)
			return fs.SkipDir
		case strings.HasSuffix(base, ".dist-info"):
			loose[path.Dir(p)] = true
			return fs.SkipDir
		}
		return nil
	})
	for dir := range loose {
		inside := slices.ContainsFunc(sites, func(s string) bool { return strings.HasPrefix(dir, s+"/") })
		for other := range loose {
			inside = inside || other != dir && strings.HasPrefix(dir, other+"/")
		}
		if !inside {
			sites = append(sites, dir)
		}
	}
	slices.Sort(sites)
	return sites
}

// installations groups site directories by the installation they belong
// to: one per prefix and Python version, so /usr/local's empty
// python3.11/dist-packages that Debian's python3 creates does not swallow
// a CPython 3.12 built into /usr/local.
func (r Root) installations(sites []string, owner syslib.Owner) []*installation {
	var out []*installation
	find := func(prefix, minor string) *installation {
		for _, in := range out {
			if in.prefix == prefix && in.minor == minor {
				return in
			}
		}
		return nil
	}
	var unversioned []string
	for _, s := range sites {
		m := siteRE.FindStringSubmatch(s)
		if m == nil || !strings.Contains(m[2], ".") {
			unversioned = append(unversioned, s)
			continue
		}
		minor := strings.TrimPrefix(strings.TrimPrefix(m[2], "python"), "pypy")
		in := find(m[1], minor)
		if in == nil {
			in = &installation{prefix: m[1], minor: minor}
			out = append(out, in)
		}
		in.sites = append(in.sites, s)
	}
	// lib/python3/dist-packages, pypy's and loose folders join the
	// installation of their prefix whose interpreter is there.
	for _, s := range unversioned {
		prefix := s
		if m := siteRE.FindStringSubmatch(s); m != nil {
			prefix = m[1]
		}
		in := find(prefix, r.binMinor(prefix))
		if in == nil {
			for _, o := range out {
				if o.prefix == prefix {
					in = o
					break
				}
			}
		}
		if in == nil {
			in = &installation{prefix: prefix}
			out = append(out, in)
		}
		in.sites = append(in.sites, s)
	}
	slices.SortFunc(out, func(a, b *installation) int {
		return cmp.Or(strings.Compare(a.prefix, b.prefix), strings.Compare(a.minor, b.minor))
	})
	for _, in := range out {
		slices.Sort(in.sites)
		r.classify(in, owner)
	}
	// Debian's /usr/local/lib/python3.X/dist-packages belongs to the
	// distro's Python, which puts it on its path.
	var kept []*installation
	for _, in := range out {
		if in.kind == instLoose && in.prefix == "usr/local" && in.minor != "" {
			if d := find("usr", in.minor); d != nil && d.kind == instDistro {
				d.sites = append(d.sites, in.sites...)
				continue
			}
		}
		kept = append(kept, in)
	}
	return kept
}

// homeOf is the installation a venv runs on: the one in its home prefix
// of its Python version (or the only one there).
func homeOf(insts []*installation, venv *installation) *installation {
	var found *installation
	for _, in := range insts {
		if in == venv || in.prefix != venv.home || in.kind == instVenv {
			continue
		}
		if venv.minor != "" && in.minor == venv.minor {
			return in
		}
		if found == nil {
			found = in
		}
	}
	return found
}

var patchLevelRE = regexp.MustCompile(`(?m)^#define\s+PY_VERSION\s+"([^"]+)"`)

// classify tells what kind of installation in is, from its files alone.
func (r Root) classify(in *installation, owner syslib.Owner) {
	join := func(p string) string { return path.Join(in.prefix, p) }
	if data, err := r.Tree.ReadFile(join("pyvenv.cfg"), 64<<10); err == nil {
		in.kind = instVenv
		cfg := parseVenvCfg(data)
		if h := cfg["home"]; h != "" {
			in.home = strings.TrimPrefix(path.Clean(path.Dir(h)), "/")
		}
		for _, k := range []string{"version", "version_info"} {
			if v := cfg[k]; v != "" && in.version == "" {
				in.version = strings.TrimSuffix(strings.TrimSuffix(v, ".final.0"), ".final")
				in.versionFrom = "/" + join("pyvenv.cfg")
			}
		}
		return
	}
	if fi, err := r.Tree.Stat(join("conda-meta")); err == nil && fi.IsDir() {
		in.kind = instConda
	}
	if in.minor == "" {
		in.minor = r.binMinor(in.prefix)
	}
	if r.pypyOf(in, owner) {
		return
	}
	if in.minor == "" {
		if in.kind == "" {
			in.kind = instLoose
		}
		return
	}
	for _, exe := range []string{"bin/python" + in.minor, "bin/python" + in.minor[:1]} {
		if fi, err := r.Tree.Stat(join(exe)); err == nil && fi.Mode().IsRegular() {
			in.exe = join(exe)
			break
		}
	}
	if h := join("include/python" + in.minor + "/patchlevel.h"); in.version == "" {
		if data, err := r.Tree.ReadFile(h, 1<<20); err == nil {
			if m := patchLevelRE.FindSubmatch(data); m != nil {
				in.version, in.versionFrom = string(m[1]), "/"+h
			}
		}
	}
	if in.kind == instConda {
		return
	}
	if in.exe != "" {
		if real := r.realName(in.exe); real != "" {
			if o, ok := owner("/" + real); ok {
				in.kind, in.owner = instDistro, o
				if in.version == "" {
					in.version, in.versionFrom = syslib.UpstreamOf(o.Version), o.Manager+": "+o.Name+" "+o.Version
				}
				return
			}
		}
	}
	switch {
	case r.standalone(in):
		in.kind = instStandalone
	case in.exe != "" && in.version != "":
		in.kind = instSource
	default:
		in.kind = instLoose
	}
}

var binRE = regexp.MustCompile(`^python([23]\.\d+)$`)

// binMinor is the highest X.Y of the bin/pythonX.Y files of a prefix
// (lib/python3/dist-packages names no minor version).
func (r Root) binMinor(prefix string) string {
	entries, err := r.Tree.ReadDir(path.Join(prefix, "bin"))
	if err != nil {
		return ""
	}
	best := ""
	for _, e := range entries {
		if m := binRE.FindStringSubmatch(e.Name()); m != nil && (best == "" || versionLess(best, m[1])) {
			best = m[1]
		}
	}
	return best
}

// versionLess compares X.Y strings numerically.
func versionLess(a, b string) bool {
	var am, an, bm, bn int
	fmt.Sscanf(a, "%d.%d", &am, &an)
	fmt.Sscanf(b, "%d.%d", &bm, &bn)
	return am < bm || am == bm && an < bn
}

// realName is the name a tree name resolves to, links followed; "" when
// it does not resolve.
func (r Root) realName(name string) string {
	real, err := r.Tree.Real(name)
	if err != nil {
		return ""
	}
	return real
}

// standalone tells a python-build-standalone installation by the build
// prefix ("/install") its _sysconfigdata records.
func (r Root) standalone(in *installation) bool {
	dir := path.Join(in.prefix, "lib", "python"+in.minor)
	entries, err := r.Tree.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_sysconfigdata_") && strings.HasSuffix(e.Name(), ".py") {
			data, err := r.Tree.ReadFile(path.Join(dir, e.Name()), 4<<20)
			return err == nil && strings.Contains(string(data), "'prefix': '/install'")
		}
	}
	return false
}

func parseVenvCfg(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return out
}

// pypyPatchRE finds PyPy's own version in its patchlevel.h.
var pypyPatchRE = regexp.MustCompile(`(?m)^#define\s+PYPY_VERSION\s+"([^"]+)"`)

// pypyOf recognises a PyPy installation by its include/pypyX.Y (or
// lib/pypyX.Y) folder, and reads its versions from include/pypyX.Y/
// patchlevel.h: the Python it implements and its own. Its interpreter is
// bin/pypyX.Y (or pypy3), the distribution's when a package owns it.
func (r Root) pypyOf(in *installation, owner syslib.Owner) bool {
	if in.minor == "" {
		return false
	}
	join := func(p string) string { return path.Join(in.prefix, p) }
	inc, lib := join("include/pypy"+in.minor), join("lib/pypy"+in.minor)
	fi1, err1 := r.Tree.Stat(inc)
	fi2, err2 := r.Tree.Stat(lib)
	if !(err1 == nil && fi1.IsDir() || err2 == nil && fi2.IsDir()) {
		return false
	}
	if data, err := r.Tree.ReadFile(path.Join(inc, "patchlevel.h"), 1<<20); err == nil {
		if m := patchLevelRE.FindSubmatch(data); m != nil {
			in.version, in.versionFrom = string(m[1]), "/"+path.Join(inc, "patchlevel.h")
		}
		if m := pypyPatchRE.FindSubmatch(data); m != nil {
			in.pypy = string(m[1])
		}
	}
	for _, exe := range []string{"bin/pypy" + in.minor, "bin/pypy3", "bin/pypy"} {
		if fi, err := r.Tree.Stat(join(exe)); err == nil && fi.Mode().IsRegular() {
			in.exe = join(exe)
			break
		}
	}
	in.impl, in.kind = "pypy", instPyPy
	if in.exe != "" {
		if real := r.realName(in.exe); real != "" {
			if o, ok := owner("/" + real); ok {
				in.kind, in.owner = instDistro, o
			}
		}
	}
	return true
}
