package extract

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/pysbom/pysbom/internal/parallel"

	"github.com/pysbom/pysbom/internal/extract/conda"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// condaEnv is a conda environment to read the packages of: its prefix in
// a tree ("" for the tree's root), how its components name it, and what
// conda's files may have installed.
type condaEnv struct {
	tree   rootfs.Tree
	prefix string // a tree name
	// scope keeps IDs apart when a root holds several environments; props
	// are added to every package.
	scope string
	props []inventory.Property
	dists []*inventory.Package
	// listed are other components whose files (absolute names, or
	// relative to the prefix) conda's packages need not list again:
	// CPython's modules and libraries.
	listed []*inventory.Package
	// interp is the interpreter component, exe its executable's tree name.
	interp *inventory.Package
	exe    string
	// layer records on a package the layers of its conda-meta record.
	layer func(p *inventory.Package, record string)
	// fileName is how the SBOM names a file of the environment, from its
	// path relative to the prefix ("/opt/conda/lib/x" in an image).
	fileName func(rel string) string
	workers  int
}

// condaPackages are the packages conda installed into an environment
// (conda-meta/*.json): each with its pkg:conda purl, the channel that
// distributed it, the archive it came from and its checksums, and the
// files it installed (hashed; those of a Python distribution are listed
// with the distribution); each CONTAINS the Python distributions and the
// interpreter whose files it installed. Records that cannot be read are
// problems.
func condaPackages(e condaEnv) (pkgs []*inventory.Package, rels []inventory.Relationship, problems []inventory.Problem) {
	dir := path.Join(e.prefix, conda.Dir)
	recs, errs := conda.Read(e.tree, dir, e.tree.ReadFile)
	for _, err := range errs {
		problems = append(problems, inventory.Problem{Kind: inventory.Unreadable, Path: "/" + dir,
			Message: fmt.Sprintf("conda package record: %v", unwrapPath(err))})
	}
	owner := map[string]string{} // file, relative to the prefix -> conda package ID
	for _, p := range recs {
		ip := &inventory.Package{ID: "conda/" + strings.ToLower(p.Name) + "@" + p.Version + e.scope, Kind: inventory.KindOSPackage,
			Name: p.Name, Version: p.Version, PURL: p.PURL(), FoundBy: "conda", Extra: &inventory.Extra{DownloadLocation: p.URL}}
		if d := p.Distributor(); d != "" {
			ip.Supplier = inventory.Party{Kind: inventory.Organization, Name: d}
		}
		if p.License != "" {
			ip.Extend().License = inventory.License{Declared: p.License, Source: "conda-meta"}
		}
		if p.SHA256 != "" {
			ip.Hashes = append(ip.Hashes, inventory.Hash{Algorithm: inventory.SHA256, Value: strings.ToLower(p.SHA256)})
		}
		if p.MD5 != "" {
			ip.Hashes = append(ip.Hashes, inventory.Hash{Algorithm: inventory.MD5, Value: strings.ToLower(p.MD5)})
		}
		ip.Properties = append(ip.Properties, e.props...)
		if e.layer != nil {
			e.layer(ip, p.Record)
		}
		for _, f := range p.Files {
			owner[f] = ip.ID
		}
		pkgs = append(pkgs, ip)
	}
	problems = append(problems, condaFiles(e, recs, pkgs)...)
	inPrefix := func(name string) string {
		name = strings.TrimPrefix(name, "/")
		if e.prefix != "" {
			name = strings.TrimPrefix(name, e.prefix+"/")
		}
		return path.Clean(name)
	}
	for _, d := range e.dists {
		if d.Python == nil {
			continue
		}
		if id := owner[inPrefix(path.Join(d.Python.Location, d.Python.MetadataDir, "METADATA"))]; id != "" {
			rels = append(rels, inventory.Relationship{From: id, Type: inventory.Contains, To: d.ID})
		}
	}
	if e.interp != nil && e.exe != "" {
		if id := owner[inPrefix(e.exe)]; id != "" {
			rels = append(rels, inventory.Relationship{From: id, Type: inventory.Contains, To: e.interp.ID})
		}
	}
	return pkgs, rels, problems
}

// condaPackages adds an image's or root's conda environment's packages.
func (r Root) condaPackages(inv *inventory.Inventory, in *installation, dists []*inventory.Package) {
	pkgs, rels, problems := condaPackages(condaEnv{tree: r.Tree, prefix: in.prefix, scope: "#/" + in.prefix,
		props: []inventory.Property{{Name: inventory.PropInstallation, Value: "/" + in.prefix}, {Name: inventory.PropInstallationKind, Value: in.kind}},
		dists: dists, listed: inv.Packages, interp: in.interp, exe: r.realName(in.exe),
		layer:    func(p *inventory.Package, record string) { r.layerProps(p, r.layersOf(record)) },
		fileName: func(rel string) string { return "/" + path.Join(in.prefix, rel) }})
	for _, p := range pkgs {
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
	}
	inv.Packages = append(inv.Packages, pkgs...)
	inv.Relationships = append(inv.Relationships, rels...)
	inv.Problems = append(inv.Problems, problems...)
}

// condaFiles lists, hashed, the files each conda package installed, but
// for those a Python distribution of the environment lists; a file the
// record names and the environment lacks is a problem.
func condaFiles(e condaEnv, recs []conda.Package, pkgs []*inventory.Package) []inventory.Problem {
	listed := map[string]bool{} // relative to the prefix
	for _, d := range e.dists {
		if d.Python == nil {
			continue
		}
		loc := strings.TrimPrefix(strings.TrimPrefix(d.Python.Location, "/"), e.prefix+"/")
		if e.prefix == "" {
			loc = strings.TrimPrefix(d.Python.Location, "/")
		}
		for _, f := range d.Files {
			listed[path.Clean(path.Join(loc, f.Path))] = true
		}
	}
	for _, p := range e.listed {
		for _, f := range p.Files {
			name := strings.TrimPrefix(f.Path, "/")
			if e.prefix != "" {
				name = strings.TrimPrefix(name, e.prefix+"/")
			}
			listed[path.Clean(name)] = true
		}
	}
	type job struct {
		pkg  int
		rel  string
		file inventory.File
		err  error
	}
	var jobs []*job
	for i, r := range recs {
		for _, f := range r.Files {
			if !listed[f] && f != "." && !strings.HasPrefix(f, "../") {
				jobs = append(jobs, &job{pkg: i, rel: f})
			}
		}
	}
	parallel.For(context.Background(), len(jobs), e.workers, func(i int) {
		j := jobs[i]
		j.file, j.err = hashFile(e.tree, path.Join(e.prefix, j.rel), e.fileName(j.rel))
	})
	var problems []inventory.Problem
	for _, j := range jobs {
		p := pkgs[j.pkg]
		switch {
		case j.err == nil:
			p.Files = append(p.Files, j.file)
		case errors.Is(j.err, errTooLarge):
			p.Files = append(p.Files, j.file)
			problems = append(problems, inventory.Problem{Kind: inventory.Unreadable, Package: p.ID, Path: j.file.Path,
				Message: fmt.Sprintf("%d bytes, %v", j.file.Size, errTooLarge)})
		case errors.Is(j.err, fs.ErrNotExist):
			problems = append(problems, inventory.Problem{Kind: inventory.MissingFile, Package: p.ID, Path: j.file.Path,
				Message: "listed in conda-meta but missing"})
		default:
			problems = append(problems, inventory.Problem{Kind: inventory.Unreadable, Package: p.ID, Path: j.file.Path,
				Message: "cannot read: " + unwrapPath(j.err).Error()})
		}
	}
	return problems
}
