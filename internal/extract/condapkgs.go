package extract

import (
	"fmt"
	"path"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/conda"
	"github.com/pysbom/pysbom/internal/inventory"
)

// condaPackages adds the packages conda installed into an installation
// (conda-meta/*.json): each with its pkg:conda purl, the archive it came
// from and its checksums, and CONTAINS the Python distributions and the
// interpreter whose files it installed.
func (r Root) condaPackages(inv *inventory.Inventory, in *installation, dists []*inventory.Package) {
	pkgs, problems := conda.Read(r.Tree, path.Join(in.prefix, conda.Dir), r.Tree.ReadFile)
	for _, err := range problems {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Path: "/" + path.Join(in.prefix, conda.Dir),
			Message: fmt.Sprintf("conda package record: %v", unwrapPath(err))})
	}
	owner := map[string]string{} // file, relative to the prefix -> conda package ID
	for _, p := range pkgs {
		ip := &inventory.Package{ID: "conda/" + strings.ToLower(p.Name) + "@" + p.Version + "#/" + in.prefix, Kind: inventory.KindOSPackage,
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
		ip.Properties = append(ip.Properties,
			inventory.Property{Name: inventory.PropInstallation, Value: "/" + in.prefix},
			inventory.Property{Name: inventory.PropInstallationKind, Value: in.kind})
		r.layerProps(ip, r.layersOf(p.Record))
		for _, f := range p.Files {
			owner[f] = ip.ID
		}
		inv.Packages = append(inv.Packages, ip)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: inv.Root.ID, Type: inventory.Contains, To: ip.ID})
	}
	inPrefix := func(name string) string { return strings.TrimPrefix(strings.TrimPrefix(name, "/"), in.prefix+"/") }
	for _, d := range dists {
		if d.Python == nil {
			continue
		}
		if id := owner[inPrefix(path.Join(d.Python.Location, d.Python.MetadataDir, "METADATA"))]; id != "" {
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: id, Type: inventory.Contains, To: d.ID})
		}
	}
	if in.interp != nil && in.exe != "" {
		if id := owner[inPrefix(r.realName(in.exe))]; id != "" {
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: id, Type: inventory.Contains, To: in.interp.ID})
		}
	}
}
