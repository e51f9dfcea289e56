package extract

import (
	"fmt"
	"path"
	"strings"

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
	// interp is the interpreter component, exe its executable's tree name.
	interp *inventory.Package
	exe    string
	// layer records on a package the layers of its conda-meta record.
	layer func(p *inventory.Package, record string)
}

// condaPackages are the packages conda installed into an environment
// (conda-meta/*.json): each with its pkg:conda purl, the channel that
// distributed it, the archive it came from and its checksums; each
// CONTAINS the Python distributions and the interpreter whose files it
// installed. Records that cannot be read are problems.
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
			Name: p.Name, Version: p.Version, PURL: p.PURL(), FoundBy: "conda", DownloadLocation: p.URL}
		if d := p.Distributor(); d != "" {
			ip.Supplier = inventory.Party{Kind: inventory.Organization, Name: d}
		}
		if p.License != "" {
			ip.License = inventory.License{Declared: p.License, Source: "conda-meta"}
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
		dists: dists, interp: in.interp, exe: r.realName(in.exe),
		layer: func(p *inventory.Package, record string) { r.layerProps(p, r.layersOf(record)) }})
	for _, p := range pkgs {
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: p.ID})
	}
	inv.Packages = append(inv.Packages, pkgs...)
	inv.Relationships = append(inv.Relationships, rels...)
	inv.Problems = append(inv.Problems, problems...)
}
