package extract

import (
	"context"
	"fmt"

	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/extract/rpm"
	"github.com/pysbom/pysbom/internal/inventory"
)

// rpmPackages are the packages of the root's rpm database, each with the
// layers that added and last changed it (from hist, the database's
// history), and the files they installed
// (absolute names) by package. A database in a format not read yet
// (NDB) is named as a problem.
func (r Root) rpmPackages(ctx context.Context, inv *inventory.Inventory, rel osrelease.Release, hist *dbHistory) ([]*inventory.Package, map[string]*inventory.DistroPackage) {
	name, format := rpm.Find(r.Tree)
	parse := rpmParser(ctx, format)
	switch {
	case format == "":
		return nil, nil
	case parse == nil:
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: inv.Root.ID, Path: "/" + name,
			Message: fmt.Sprintf("an rpm database in %s format is not read yet (rpmdb.sqlite and Berkeley DB are): the rpm packages are missing from this SBOM", format)})
		return nil, nil
	}
	var pkgs []rpm.Package
	var problems []error
	var err error
	if format == "sqlite" {
		pkgs, problems, err = rpm.ReadSQLite(ctx, r.Tree, name)
	} else {
		var data []byte
		if data, err = r.Tree.ReadFile(name, rpm.MaxDB); err == nil {
			pkgs, problems, err = parse(data)
		}
	}
	if err != nil {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: inv.Root.ID, Path: "/" + name,
			Message: "rpm database: " + unwrapPath(err).Error()})
		return nil, nil
	}
	for _, p := range problems {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: inv.Root.ID, Path: "/" + name,
			Message: "rpm database: " + p.Error()})
	}
	ns, distro := rpm.Namespace(rel.ID), rel.Distro()
	files := map[string]*inventory.DistroPackage{}
	var out []*inventory.Package
	for _, p := range pkgs {
		ip := &inventory.Package{
			ID: "rpm/" + p.Name + "." + p.Arch + "@" + p.EVR(), Kind: inventory.KindOSPackage, Name: p.Name, Version: p.EVR(),
			PURL: p.PURL(ns, distro), FoundBy: "rpm", Extra: &inventory.Extra{Homepage: p.URL, Summary: p.Summary},
		}
		if p.Vendor != "" {
			ip.Supplier = inventory.Party{Kind: inventory.Organization, Name: p.Vendor}
		}
		if p.License != "" {
			ip.Extend().License = inventory.License{Declared: p.License, Source: "rpm"}
		}
		if src := p.SourceName(); src != "" && src != p.Name {
			ip.Properties = append(ip.Properties, inventory.Property{Name: "pysbom:distro:source", Value: src})
		}
		if hist != nil {
			r.layerProps(ip, hist.added(p.Name+"."+p.Arch, p.EVR()))
		}
		d := p.Inventory(ns, rel.ID, distro)
		for _, f := range p.Files {
			files[f] = d
		}
		out = append(out, ip)
	}
	return out, files
}

// rpmState is what one version of an rpm database lists: "NAME.ARCH" ->
// epoch:version-release.
func rpmState(parse func([]byte) ([]rpm.Package, []error, error)) func([]byte) map[string]string {
	return func(data []byte) map[string]string {
		ps, _, _ := parse(data)
		out := map[string]string{}
		for _, p := range ps {
			out[p.Name+"."+p.Arch] = p.EVR()
		}
		return out
	}
}

// rpmParser reads a database of format held in memory; nil for a format
// not read.
func rpmParser(ctx context.Context, format string) func([]byte) ([]rpm.Package, []error, error) {
	switch format {
	case "sqlite":
		return func(data []byte) ([]rpm.Package, []error, error) { return rpm.ParseSQLite(ctx, data, nil) }
	case "Berkeley DB":
		return rpm.ParseBDB
	}
	return nil
}

// rpmHistory is every layer's state of the rpm database name (its
// write-ahead log included, for SQLite).
func (r Root) rpmHistory(ctx context.Context, name, format string) *dbHistory {
	if format != "sqlite" {
		return r.history(name, rpmState(rpmParser(ctx, format)))
	}
	return r.historyWAL(name, func(db, wal []byte) map[string]string {
		return rpmState(func(data []byte) ([]rpm.Package, []error, error) { return rpm.ParseSQLite(ctx, data, wal) })(db)
	})
}
