package source

import (
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
)

// Inventory describes the manifest's packages and their files in pysbom's
// format-neutral model, for the CycloneDX document: a root component for
// the tree's vendored code that CONTAINS each package.
func Inventory(name string, m *Manifest, files map[string][]File) *inventory.Inventory {
	root := &inventory.Package{ID: "source/" + spdxID(name), Kind: inventory.KindCollection, Name: name, Version: "source",
		Extra: &inventory.Extra{Summary: "code vendored into " + name}, FoundBy: "source/manifest"}
	inv := &inventory.Inventory{Root: root}
	for _, p := range m.Packages {
		pkg := &inventory.Package{ID: "source/" + spdxID(p.Name) + "@" + p.Version, Kind: inventory.KindLibrary, Name: p.Name,
			Version: p.Version, FoundBy: "source/manifest"}
		license := inventory.License{Expression: p.License}
		if p.License == "NOASSERTION" {
			license = inventory.License{}
		}
		if len(p.PURL) > 0 {
			pkg.PURL = p.PURL[0]
		}
		if p.SHA256 != "" {
			pkg.Hashes = []inventory.Hash{{Algorithm: inventory.SHA256, Value: p.SHA256}}
		}
		pkg.SetExtra(inventory.Extra{License: license, DownloadLocation: p.DownloadURL, CPEs: p.CPE, Originator: spdx.ParseParty(p.Originator)})
		pkg.Supplier = spdx.ParseParty(p.Supplier)
		if pkg.Supplier.IsZero() {
			pkg.Supplier = pkg.More().Originator
		}
		for _, f := range files[p.Name] {
			pkg.Files = append(pkg.Files, inventory.File{Path: f.Path, Hashes: []inventory.Hash{
				{Algorithm: inventory.SHA1, Value: f.SHA1}, {Algorithm: inventory.SHA256, Value: f.SHA256}}})
		}
		inv.Packages = append(inv.Packages, pkg)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.Contains, To: pkg.ID})
	}
	inv.Sort()
	return inv
}
