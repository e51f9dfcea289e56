package extract

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/cpython"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/extract/site"
	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/pydeps"
	"github.com/pysbom/pysbom/internal/target"
)

// Kinds of Python installation in a root file system.
const (
	instDistro     = "distro"                  // the distribution's python3 package
	instSource     = "source-built"            // built from source into a prefix (/usr/local in the official images)
	instStandalone = "python-build-standalone" // uv python install, and many base images
	instVenv       = "venv"
	instConda      = "conda"
	instLoose      = "site-packages" // a folder of distributions with no interpreter beside it
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
}

// siteRE splits a site directory into its prefix and its pythonX.Y.
var siteRE = regexp.MustCompile(`^(?:(.*)/)?lib(?:64)?/(python3(?:\.\d+)?|pypy[^/]*)/(?:site|dist)-packages$`)

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
		if m == nil || !strings.Contains(m[2], ".") || !strings.HasPrefix(m[2], "python") {
			unversioned = append(unversioned, s)
			continue
		}
		minor := strings.TrimPrefix(m[2], "python")
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
	if in.minor == "" {
		if in.kind == "" {
			in.kind = instLoose
		}
		return
	}
	for _, exe := range []string{"bin/python" + in.minor, "bin/python3"} {
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

var binRE = regexp.MustCompile(`^python(3\.\d+)$`)

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

// machine is platform_machine for an image architecture.
func machine(arch string) string {
	switch arch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i686"
	case "arm":
		return "armv7l"
	}
	return arch
}

// pythons adds every Python installation of the root: its interpreter,
// its distributions with what they carry, and their dependencies.
func (r Root) pythons(ctx context.Context, inv *inventory.Inventory, db *dpkg.DB, rel osrelease.Release, opt Options) (native []Native, err error) {
	owner := r.owner(db)
	insts := r.installations(findSites(ctx, r.Tree), owner)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	arch := ""
	if r.Image != nil && r.Image.Config != nil {
		arch = r.Image.Config.Architecture
	}
	seen := map[string]string{} // ID -> site directory
	libs := syslib.New(syslib.InTree(r.Tree))
	for _, in := range insts {
		if in.kind != instVenv && in.kind != instLoose {
			r.interpreterOf(ctx, inv, in, libs)
		}
	}
	for _, in := range insts {
		runs := in.interp
		if in.kind == instVenv {
			if h := homeOf(insts, in); h != nil {
				runs = h.interp
				if in.version == "" {
					in.version = h.version
				}
			}
		}
		var dists []*inventory.Package
		for _, dir := range in.sites {
			res, err := site.Scan(ctx, "/"+dir, site.Options{Workers: opt.Workers, Progress: opt.Progress, Dpkg: db, Tree: r.Tree, Name: dir})
			if err != nil {
				return nil, err
			}
			renameCopies(res, seen, "/"+dir, "#/"+dir) // pip in /usr/local and in a venv: two components, no problem
			inv.Problems = append(inv.Problems, res.Problems...)
			sub, err := fs.Sub(r.Tree, dir)
			if err != nil {
				return nil, err
			}
			carried := carriedAll(ctx, sub, res.Packages, opt.Workers)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for j, p := range res.Packages {
				if p.Distro == nil {
					// dpkg's are known to site.Scan; rpm's are looked up here.
					p.Distro, _ = owner("/" + path.Join(dir, p.Python.MetadataDir, "METADATA"))
				}
				p.Python.Location = "/" + dir
				p.Properties = append(p.Properties,
					inventory.Property{Name: inventory.PropInstallation, Value: "/" + in.prefix},
					inventory.Property{Name: inventory.PropInstallationKind, Value: in.kind})
				r.layerProps(p, r.layersOf(path.Join(dir, p.Python.MetadataDir)))
				c := carried[j]
				for _, cp := range c.Packages {
					r.layerProps(cp, r.layersOf(path.Join(dir, p.Python.MetadataDir)))
				}
				inv.Packages = append(inv.Packages, c.Packages...)
				inv.Relationships = append(inv.Relationships, c.Relationships...)
				inv.Relationships = append(inv.Relationships, linkSystem(libs, "/"+dir, p, c.Links)...)
				inv.Problems = append(inv.Problems, c.Problems...)
				dists = append(dists, p)
			}
		}
		for _, d := range dists {
			inv.Packages = append(inv.Packages, d)
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: d.ID})
			if runs != nil {
				inv.Relationships = append(inv.Relationships, inventory.Relationship{From: d.ID, Type: inventory.DependsOn, To: runs.ID})
			}
		}
		shadowed(dists, inv)
		if in.kind == instConda {
			r.condaPackages(inv, in, dists)
		}
		version := in.version
		if version == "" {
			version = in.minor
		}
		rels, problems := pydeps.Resolve(dists, target.LinuxMarkers(version, machine(arch)))
		inv.Relationships = append(inv.Relationships, rels...)
		inv.Problems = append(inv.Problems, problems...)
	}
	r.sharedLibraries(ctx, inv, libs, db)
	return r.nativeNames(insts), nil
}

// Native is where native binaries of a root are: a file or a folder (a
// tree name), and, for an interpreter's own, the interpreter they are
// part of ("" where each distribution's RECORD tells).
type Native struct {
	Name           string
	Owner, Version string
}

// nativeNames are where each installation's native binaries are: its site
// directories, and for an interpreter its executable, libpython and
// lib-dynload.
func (r Root) nativeNames(insts []*installation) []Native {
	var out []Native
	seen := map[string]bool{}
	add := func(n Native) {
		if !seen[n.Name] {
			seen[n.Name] = true
			out = append(out, n)
		}
	}
	for _, in := range insts {
		for _, s := range in.sites {
			add(Native{Name: s})
		}
		if in.kind == instVenv || in.kind == instLoose || in.minor == "" || in.interp == nil {
			continue
		}
		own := func(name string) Native { return Native{Name: name, Owner: in.interp.Name, Version: in.interp.Version} }
		if in.exe != "" {
			add(own(in.exe))
		}
		lib := path.Join(in.prefix, "lib")
		if entries, err := r.Tree.ReadDir(lib); err == nil {
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), "libpython"+in.minor) && e.Type().IsRegular() {
					add(own(path.Join(lib, e.Name())))
				}
			}
		}
		add(own(path.Join(lib, "python"+in.minor, "lib-dynload")))
	}
	slices.SortFunc(out, func(a, b Native) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// interpreterOf adds the interpreter of an installation, with what its
// files show as in a directory SBOM (package cpython): the build's
// version and configuration, the lib-dynload modules, the libraries
// vendored and compiled in, ensurepip's wheels, and the shared libraries
// its binaries link, resolved as the image's dynamic loader would (libs).
func (r Root) interpreterOf(ctx context.Context, inv *inventory.Inventory, in *installation, libs *syslib.Set) {
	exe := ""
	if in.exe != "" {
		exe = "/" + in.exe
	}
	build := cpython.Inspect(ctx, libs.Files(), "/"+in.prefix, exe, in.minor, libs)
	version := cmp.Or(in.version, build.Version, in.minor)
	if version == "" {
		return
	}
	p := interpreterComponent("cpython", version)
	p.ID += "#/" + in.prefix // an image may hold several of one version
	prop := func(k, v string) {
		if v != "" {
			p.Properties = append(p.Properties, inventory.Property{Name: k, Value: v})
		}
	}
	prop(inventory.PropInstallation, "/"+in.prefix)
	prop(inventory.PropInstallationKind, in.kind)
	if in.exe != "" {
		prop(inventory.PropInterpreterPath, "/"+in.exe)
	}
	prop(inventory.PropInterpreterVersionFrom, in.versionFrom)
	if in.exe != "" {
		r.layerProps(p, r.layersOf(in.exe))
	}
	parts := build.Components(p, func(name string) string { return name })
	if in.owner != nil {
		// The distribution's package, patched and versioned by it, is
		// what advisories for it name: no upstream CPE.
		p.Distro, p.CPEs = in.owner, nil
	}
	in.interp = p
	for _, c := range parts.Packages {
		// A binary's layer, else (a vendored library, a bundled wheel,
		// whose files are inside another) the interpreter's.
		span := noLayers
		if len(c.Files) > 0 && path.IsAbs(c.Files[0].Path) {
			span = r.layersOf(strings.TrimPrefix(c.Files[0].Path, "/"))
		}
		if span.added < 0 && in.exe != "" {
			span = r.layersOf(in.exe)
		}
		r.layerProps(c, span)
	}
	inv.Packages = append(append(inv.Packages, p), parts.Packages...)
	inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
	inv.Relationships = append(inv.Relationships, parts.Relationships...)
	inv.Problems = append(inv.Problems, parts.Problems...)
}

// sharedLibraries adds the shared libraries the root's binaries link, each
// identified from its bytes and by the OS package that installed it.
func (r Root) sharedLibraries(ctx context.Context, inv *inventory.Inventory, libs *syslib.Set, db *dpkg.DB) {
	libs.Identify(ctx)
	pkgs, rels := libs.Components(func(name string) string { return name }, r.owner(db))
	for _, p := range pkgs {
		for _, f := range p.Files {
			r.layerProps(p, r.layersOf(strings.TrimPrefix(f.Path, "/")))
			break
		}
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
	}
	inv.Packages = append(inv.Packages, pkgs...)
	inv.Relationships = append(inv.Relationships, rels...)
	inv.Problems = append(inv.Problems, libs.Problems...)
}

// linkDistro records that the OS packages installed the components
// whose files they own: the Debian package CONTAINS the Python
// distribution or interpreter it ships.
func linkDistro(inv *inventory.Inventory) {
	ids := map[string]string{} // purl -> OS package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindOSPackage {
			ids[p.PURL] = p.ID
		}
	}
	for _, p := range inv.Packages {
		if p.Distro == nil {
			continue
		}
		if id, ok := ids[p.Distro.PURL]; ok {
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: id, Type: inventory.Contains, To: p.ID})
		}
	}
}
