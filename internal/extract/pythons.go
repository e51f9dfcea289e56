package extract

import (
	"cmp"
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/extract/cpython"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/extract/site"
	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/pydeps"
	"github.com/pysbom/pysbom/internal/target"
)

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
			r.interpreterOf(ctx, inv, in, libs, opt.Examined)
		}
	}
	for _, in := range insts {
		runs := in.interp
		if in.kind == instVenv {
			if h := homeOf(insts, in); h != nil {
				runs = h.interp
				in.impl, in.pypy = h.impl, h.pypy
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
			var seen binaries.Seen
			if opt.Examined != nil {
				seen = func(name string, f *elffile.File, strs []byte) { opt.Examined("/"+path.Join(dir, name), f, strs) }
			}
			carried := carriedAll(ctx, sub, res.Packages, opt.Workers, seen)
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
		rels, problems := pydeps.Resolve(dists, target.LinuxMarkersOf(cmp.Or(in.impl, "cpython"), version, in.pypy, machine(arch)))
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
// examined, when not nil, is given each of its ELF binaries parsed, by its
// absolute name in the tree.
func (r Root) interpreterOf(ctx context.Context, inv *inventory.Inventory, in *installation, libs *syslib.Set,
	examined func(path string, f *elffile.File, strs []byte)) {
	if in.impl == "pypy" {
		r.pypyInterpreter(inv, in)
		return
	}
	exe := ""
	if in.exe != "" {
		exe = "/" + in.exe
	}
	build := cpython.Inspect(ctx, libs.Files(), "/"+in.prefix, exe, in.minor, libs, examined)
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
		p.Distro = in.owner
		if p.Extra != nil {
			p.Extra.CPEs = nil
		}
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

// pypyInterpreter adds a PyPy installation's interpreter: PyPy at its own
// version, the Python version it implements as a property. CPython's
// build facts do not apply to it.
func (r Root) pypyInterpreter(inv *inventory.Inventory, in *installation) {
	p := interpreterComponent("pypy", in.pypy)
	p.ID += "#/" + in.prefix
	p.Properties = append(p.Properties,
		inventory.Property{Name: inventory.PropInstallation, Value: "/" + in.prefix},
		inventory.Property{Name: inventory.PropInstallationKind, Value: in.kind})
	if in.version != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropPythonImplements, Value: in.version})
	}
	if in.exe != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropInterpreterPath, Value: "/" + in.exe})
		r.layerProps(p, r.layersOf(in.exe))
	}
	if in.owner != nil {
		p.Distro = in.owner
	}
	in.interp = p
	inv.Packages = append(inv.Packages, p)
	inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
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
