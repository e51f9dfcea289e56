// Package extract builds the inventory of a target from the evidence its
// sub-packages read: installed distributions (site), the system package
// database (dpkg), and the interpreter facts of the target package.
package extract

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/extract/cpython"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/extract/embedded"
	"github.com/pysbom/pysbom/internal/extract/site"
	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/pydeps"
	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/target"
)

// Options control how an environment is read.
type Options struct {
	// Workers and Progress are passed to the site scanner.
	Workers  int
	Progress func(done, total int64)
	// Reading, when set, is told of an image's layers read: done of total.
	Reading func(done, total int64)
	// DpkgRoot is dpkg's database; "" means dpkg.DefaultRoot, "-" none.
	DpkgRoot string
	// OSRelease is the os-release file naming the distribution.
	OSRelease string
	// Supplier of the environment (the root component); when zero, the
	// owner of the environment's directory.
	Supplier inventory.Party
	// Name of the root component; when "", derived from the target path.
	Name string
	// Files is FilesAll to list every file of an image or root file
	// system; else only those of its Python installations.
	Files string
	// Layers is LayersAll to report, of an image, what earlier layers held
	// and later ones removed.
	Layers string
	// WithTree, when set, is called with an image's or root file system's
	// tree while it is open, and the names of its Python installations'
	// native binaries and the folders that hold them: report audits them
	// without opening the image again.
	WithTree func(ctx context.Context, tree rootfs.Tree, native []Native) error
	// Examined, when set, is given each ELF binary of an environment's
	// distributions and of its CPython, or of a wheel, while it is open,
	// by its path on disk (in an image: its absolute name in the image; in
	// a wheel: WHEEL!MEMBER, WHEEL as the path given), parsed with its
	// DWARF, with the strings of its data sections: report audits it
	// there, not reading it again. It is called from several goroutines.
	Examined func(path string, f *elffile.File, strs []byte)
}

// Environment reads every site directory of env into one inventory.
func Environment(ctx context.Context, env *target.Environment, opt Options) (*inventory.Inventory, error) {
	inv := &inventory.Inventory{}
	libs := syslib.New(syslib.Host)
	build := inspectCPython(ctx, env, libs, opt.Examined)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cpythonDirs := libs.Dirs()
	db, err := openDpkg(env, opt, cpythonDirs)
	if err != nil {
		return nil, err
	}
	var dists, carriedPkgs []*inventory.Package
	seen := map[string]string{} // ID -> site dir
	for i, dir := range env.SiteDirs {
		tree, name, err := site.Tree(dir)
		if err != nil {
			return nil, err
		}
		res, err := site.Scan(ctx, dir, site.Options{Workers: opt.Workers, Progress: opt.Progress, Dpkg: db, Tree: tree, Name: name})
		if err != nil {
			return nil, err
		}
		for _, c := range renameCopies(res, seen, dir, fmt.Sprintf("#%d", i+1)) {
			res.Problems = append(res.Problems, inventory.Problem{Kind: inventory.DuplicateMetadata, Package: c.pkg.ID,
				Message: fmt.Sprintf("%s %s is installed both in %s and in %s", c.pkg.Name, c.pkg.Version, c.first, dir)})
		}
		inv.Problems = append(inv.Problems, res.Problems...)
		siteFS, err := fs.Sub(tree, name)
		if err != nil {
			return nil, err
		}
		var seen binaries.Seen
		if opt.Examined != nil {
			seen = func(name string, f *elffile.File, strs []byte) {
				opt.Examined(filepath.Join(dir, filepath.FromSlash(name)), f, strs)
			}
		}
		carriedBy := carriedAll(ctx, siteFS, res.Packages, opt.Workers, seen)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j, p := range res.Packages {
			carried := carriedBy[j]
			carriedPkgs = append(carriedPkgs, carried.Packages...)
			inv.Relationships = append(inv.Relationships, carried.Relationships...)
			inv.Problems = append(inv.Problems, carried.Problems...)
			inv.Relationships = append(inv.Relationships, linkSystem(libs, dir, p, carried.Links)...)
			p.Python.Location = relTo(env.Path, dir)
			dists = append(dists, p)
		}
	}
	shadowed(dists, inv)
	interp := interpreter(env, db)
	var parts cpython.Parts
	if build != nil {
		parts = build.Components(interp, func(p string) string { return relTo(env.Path, p) })
		inv.Relationships = append(inv.Relationships, parts.Relationships...)
		inv.Problems = append(inv.Problems, parts.Problems...)
	}
	libs.Identify(ctx)
	libDB := db
	if dirs := libs.Dirs(); slices.ContainsFunc(dirs, func(d string) bool { return !slices.Contains(cpythonDirs, d) }) {
		// The distributions' binaries linked libraries in folders the
		// database was not opened for: read their owners now.
		if libDB, err = openDpkg(&target.Environment{}, opt, dirs); err != nil {
			return nil, err
		}
	}
	libPkgs, libRels := libs.Components(func(p string) string { return relTo(env.Path, p) }, distroOwner(libDB))
	parts.Packages = append(parts.Packages, libPkgs...)
	inv.Relationships = append(inv.Relationships, libRels...)
	inv.Problems = append(inv.Problems, libs.Problems...)
	root := rootPackage(env, opt, dists, interp)
	inv.Root = root
	inv.Packages = append(append(append(slices.Clone(dists), carriedPkgs...), interp), parts.Packages...)
	inv.Relationships = append(inv.Relationships,
		inventory.Relationship{From: root.ID, Type: inventory.Contains, To: interp.ID})
	for _, d := range dists {
		inv.Relationships = append(inv.Relationships,
			inventory.Relationship{From: root.ID, Type: inventory.Contains, To: d.ID},
			inventory.Relationship{From: d.ID, Type: inventory.DependsOn, To: interp.ID})
	}
	osPackages(inv, append(append(slices.Clone(dists), interp), parts.Packages...))
	if err := envConda(inv, env, dists, interp); err != nil {
		return nil, err
	}
	rels, problems := pydeps.Resolve(dists, env.Interpreter.Markers)
	inv.Relationships = append(inv.Relationships, rels...)
	inv.Problems = append(inv.Problems, problems...)
	unknownSuppliers(inv)
	inv.Sort()
	return inv, nil
}

// carriedAll reads what each distribution carries (its SBOMs, vendored
// packages and native binaries), in parallel, in the order of dists;
// fsys is the site directory; seen, when not nil, is given each ELF
// binary parsed.
func carriedAll(ctx context.Context, fsys fs.FS, dists []*inventory.Package, workers int, seen binaries.Seen) []embedded.Result {
	out := make([]embedded.Result, len(dists))
	parallel.For(ctx, len(dists), workers, func(i int) { out[i] = embedded.Extract(fsys, dists[i], seen) })
	return out
}

// inspectCPython reads the CPython installation of a prefix or an
// interpreter target (not of a virtualenv or a bare site-packages, whose
// SBOM is about the packages).
func inspectCPython(ctx context.Context, env *target.Environment, libs *syslib.Set, seen func(path string, f *elffile.File, strs []byte)) *cpython.Build {
	in := env.Interpreter
	if env.Kind != "prefix" && env.Kind != "interpreter" || in.Implementation != "" && in.Implementation != "cpython" {
		return nil
	}
	minor := in.Version
	if parts := strings.Split(minor, "."); len(parts) > 2 {
		minor = parts[0] + "." + parts[1]
	}
	prefix, exe := env.Path, in.Path
	if in.Executable != "" {
		exe = in.Executable
	}
	switch {
	case in.Prefix != "":
		prefix = in.Prefix
	case env.Kind == "interpreter":
		real, err := filepath.EvalSymlinks(exe)
		if err != nil {
			return nil
		}
		prefix = filepath.Dir(filepath.Dir(real))
	}
	if minor == "" {
		return nil
	}
	return cpython.Inspect(ctx, syslib.Host, prefix, exe, minor, libs, seen)
}

// linkSystem resolves the shared libraries that the binaries of
// distribution d (in the site directory dir) link on the system libs
// reads (the host's, or an image's), adds
// them to libs, and returns d's DEPENDS_ON them. A library among d's own
// files is its bundled copy, which its observed components describe. A version the binaries show only from the headers
// they were compiled against is recorded on d, not made a component: the
// copy the loader finds is the one in use.
func linkSystem(libs *syslib.Set, dir string, d *inventory.Package, links []binaries.Link) []inventory.Relationship {
	if len(links) == 0 {
		return nil
	}
	own := map[string]bool{}
	realDir, err := libs.Files().Real(dir)
	if err != nil {
		realDir = dir
	}
	for _, f := range d.Files {
		own[filepath.Join(realDir, filepath.FromSlash(f.Path))] = true
	}
	local := func(real string) bool { return own[real] }
	user := d.Name + " " + d.Version
	var out []inventory.Relationship
	seen := map[string]bool{}
	for _, l := range links {
		abs := filepath.Join(dir, filepath.FromSlash(l.Binary))
		for _, real := range libs.Link(abs, user, l.Needed, l.RPath, l.RunPath, local) {
			if id := libs.ID(real); id != "" && !seen[id] {
				seen[id] = true
				out = append(out, inventory.Relationship{From: d.ID, Type: inventory.DependsOn, To: id})
			}
		}
		for _, m := range l.BuiltAgainst {
			how := "it links " + m.LinkedTo
			if m.LinkedTo == "" {
				how = "it holds none of its code"
			}
			d.Properties = append(d.Properties, inventory.Property{Name: inventory.PropNativeBuiltAgainst,
				Value: fmt.Sprintf("%s: %s %s (the version of the headers it was compiled against; %s)", l.Binary, m.Name, m.Version, how)})
		}
	}
	return out
}

// distroOwner finds the distro package of a file in the dpkg database.
func distroOwner(db *dpkg.DB) syslib.Owner {
	return func(path string) (*inventory.DistroPackage, bool) {
		if db == nil {
			return nil, false
		}
		o, ok := db.Owner(path)
		if !ok {
			return nil, false
		}
		return o.Inventory(), true
	}
}

// osPackages adds the system packages that installed components, so that a
// scanner can match distro advisories: the Debian package CONTAINS the
// Python distribution it ships.
func osPackages(inv *inventory.Inventory, pkgs []*inventory.Package) {
	added := map[string]bool{}
	for _, p := range pkgs {
		d := p.Distro
		if d == nil {
			continue
		}
		id := "deb/" + d.Name + "@" + d.Version
		if !added[id] {
			added[id] = true
			distro := d.Distro
			if distro != "" {
				distro = strings.ToUpper(distro[:1]) + distro[1:]
			}
			inv.Packages = append(inv.Packages, &inventory.Package{
				ID: id, Kind: inventory.KindOSPackage, Name: d.Name, Version: d.Version, PURL: d.PURL,
				Supplier: inventory.Party{Kind: inventory.Organization, Name: distro},
				FoundBy:  "dpkg",
			})
			inv.Relationships = append(inv.Relationships,
				inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: id})
		}
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: id, Type: inventory.Contains, To: p.ID})
	}
}

// sameDist is a distribution found again in another site directory.
type sameDist struct {
	pkg   *inventory.Package
	first string // the site directory of the copy found first
}

// renameCopies gives each distribution of res that an earlier site
// directory also holds (the same name and version) an ID of its own, its
// ID with suffix, before anything refers to it, and moves the scan's
// problems about it there. seen maps IDs to the directory that has them.
func renameCopies(res *site.Result, seen map[string]string, dir, suffix string) []sameDist {
	var out []sameDist
	for _, p := range res.Packages {
		if first, dup := seen[p.ID]; dup {
			old := p.ID
			p.ID += suffix
			for i := range res.Problems {
				if res.Problems[i].Package == old {
					res.Problems[i].Package = p.ID
				}
			}
			out = append(out, sameDist{p, first})
		}
		seen[p.ID] = dir
	}
	return out
}

// shadowed reports distributions hidden by another of the same name that
// comes earlier on sys.path.
func shadowed(dists []*inventory.Package, inv *inventory.Inventory) {
	first := map[string]*inventory.Package{}
	for _, d := range dists {
		key := strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(d.Name))
		if f, ok := first[key]; ok && f.Python.Location != d.Python.Location {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.VersionConflict, Package: d.ID,
				Message: fmt.Sprintf("%s %s in %s is shadowed by %s %s in %s, which comes first on sys.path",
					d.Name, d.Version, d.Python.Location, f.Name, f.Version, f.Python.Location)})
			continue
		}
		if _, ok := first[key]; !ok {
			first[key] = d
		}
	}
}

func openDpkg(env *target.Environment, opt Options, extraDirs []string) (*dpkg.DB, error) {
	if opt.DpkgRoot == "-" {
		return nil, nil
	}
	root := opt.DpkgRoot
	if root == "" {
		root = dpkg.DefaultRoot
	}
	osr := opt.OSRelease
	if osr == "" {
		osr = "/etc/os-release"
	}
	dirs := append(slices.Clone(env.SiteDirs), extraDirs...)
	if exe := env.Interpreter.Path; exe != "" {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
	}
	return dpkg.Open(root, dirs, osr)
}

// interpreter describes the environment's Python as a component.
func interpreter(env *target.Environment, db *dpkg.DB) *inventory.Package {
	in := env.Interpreter
	impl := in.Implementation
	if impl == "" {
		impl = "cpython"
	}
	version := in.Version
	if version == "" {
		version = "unknown"
	}
	p := interpreterComponent(impl, version)
	if in.Path != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropInterpreterPath, Value: relTo(env.Path, in.Path)})
		if real, err := filepath.EvalSymlinks(in.Path); err == nil {
			if owner, ok := db.Owner(real); ok {
				p.Distro = owner.Inventory()
			}
		}
	}
	if in.Executed {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropInterpreterExecuted, Value: "true"})
	}
	if in.VersionFrom != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropInterpreterVersionFrom, Value: relTo(env.Path, in.VersionFrom)})
	}
	if in.PlatformFrom != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropInterpreterPlatformFrom, Value: relTo(env.Path, in.PlatformFrom)})
	}
	return p
}

// interpreterComponent is a Python interpreter as a component: for
// CPython, with its supplier, licence, homepage and, for an X.Y.Z
// version, its CPE.
func interpreterComponent(impl, version string) *inventory.Package {
	p := &inventory.Package{
		ID:      "python/" + impl + "@" + version,
		Kind:    inventory.KindInterpreter,
		Name:    map[string]string{"cpython": "CPython", "pypy": "PyPy"}[impl],
		Version: version,
		PURL:    "pkg:generic/" + impl + "@" + version,
		FoundBy: "python/interpreter",
	}
	if p.Name == "" {
		p.Name = impl
	}
	if impl == "cpython" {
		p.Extend().Summary = "The Python programming language interpreter"
		p.Supplier = inventory.Party{Kind: inventory.Organization, Name: "Python Software Foundation"}
		p.Extend().License = inventory.License{Expression: "PSF-2.0", Declared: "PSF-2.0", Source: "CPython"}
		p.Extend().Homepage = "https://www.python.org/"
		if strings.Count(version, ".") == 2 {
			p.Extend().CPEs = []string{"cpe:2.3:a:python:python:" + version + ":*:*:*:*:*:*:*"}
		}
	}
	return p
}

// rootPackage is the environment itself, which the document describes.
// Its version is a digest of what it holds, so that the same set of
// distributions always gives the same version.
func rootPackage(env *target.Environment, opt Options, dists []*inventory.Package, interp *inventory.Package) *inventory.Package {
	var lines []string
	for _, d := range dists {
		lines = append(lines, d.Name+"=="+d.Version)
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(interp.ID + "\n" + strings.Join(lines, "\n")))
	name := opt.Name
	if name == "" {
		name = displayPath(env.Path)
	}
	p := &inventory.Package{
		ID:      "environment",
		Kind:    inventory.KindEnvironment,
		Name:    name,
		Version: fmt.Sprintf("sha256:%x", sum[:6]),
		Extra:   &inventory.Extra{Summary: fmt.Sprintf("Python environment (%s) with %d installed distributions", env.Kind, len(dists))},
		FoundBy: "pysbom",
	}
	// A purl gives the root the unique identifier NTIA asks of every component.
	p.PURL = packageurl.NewPackageURL("generic", "", filepath.Base(filepath.FromSlash(name)), p.Version, nil, "").ToString()
	p.Supplier = opt.Supplier // the owner of the folder is not a supplier: NOASSERTION without --supplier
	p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropEnvironmentKind, Value: env.Kind})
	for _, d := range env.SiteDirs {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropEnvironmentSiteDir, Value: relTo(env.Path, d)})
	}
	for _, n := range env.Notes {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropNote, Value: n})
	}
	return p
}

// displayPath shows path relative to the working directory when it is
// inside it, so that documents made in different checkouts agree.
func displayPath(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

// relTo expresses p relative to base when p is inside base.
func relTo(base, p string) string {
	if fi, err := os.Stat(base); err == nil && !fi.IsDir() {
		base = filepath.Dir(base)
	}
	if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// envConda adds the conda packages of a prefix that is a conda
// environment (it has conda-meta/).
func envConda(inv *inventory.Inventory, env *target.Environment, dists []*inventory.Package, interp *inventory.Package) error {
	if env.Kind != "prefix" {
		return nil
	}
	if fi, err := os.Stat(filepath.Join(env.Path, "conda-meta")); err != nil || !fi.IsDir() {
		return nil
	}
	tree, err := rootfs.New(env.Path)
	if err != nil {
		return err
	}
	exe := ""
	if real, err := filepath.EvalSymlinks(env.Interpreter.Path); err == nil {
		if rel, ok := tree.Rel(real); ok {
			exe = rel
		}
	}
	pkgs, rels, problems := condaPackages(condaEnv{tree: tree, dists: dists, listed: inv.Packages, interp: interp, exe: exe,
		fileName: func(rel string) string { return rel }})
	for _, p := range pkgs {
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
	}
	inv.Packages = append(inv.Packages, pkgs...)
	inv.Relationships = append(inv.Relationships, rels...)
	inv.Problems = append(inv.Problems, problems...)
	return nil
}
