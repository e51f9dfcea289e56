package extract

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/apk"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/extract/rpm"
	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/image"
	"github.com/pysbom/pysbom/internal/imagefs"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// Root is a root file system to describe: an image's layers, or an
// unpacked root file system on disk.
type Root struct {
	Tree rootfs.Tree
	// Image and Layers are the image and the file system its layers make;
	// nil for a directory.
	Image  *image.Image
	Layers *imagefs.FS
	// Dir is the unpacked root's path, for a directory.
	Dir string
	// pkgFiles are the files the rpm and apk databases say their packages
	// installed (dpkg's are its DB's).
	pkgFiles map[string]*inventory.DistroPackage
}

// owner finds the OS package that installed a file (an absolute name in
// the root): dpkg's, else rpm's or apk's.
func (r Root) owner(db *dpkg.DB) syslib.Owner {
	dpkgOwner := distroOwner(db)
	return func(name string) (*inventory.DistroPackage, bool) {
		if d, ok := dpkgOwner(name); ok {
			return d, true
		}
		d, ok := r.pkgFiles[name]
		return d, ok
	}
}

// trackedDBs are the package databases whose every layer's version is
// kept, to tell which layer installed each package.
var trackedDBs = append([]string{"var/lib/dpkg/status", apk.DBPath}, rpm.TrackedDBs...)

// TrackedFiles are the names an image's file system must track for
// [RootFS] to attribute OS packages to layers (see imagefs.Stack).
func TrackedFiles() []string { return slices.Clone(trackedDBs) }

// RootFS describes a root file system: the distribution and its packages,
// every Python installation with its distributions, and, for an image,
// the layer that added each component.
func RootFS(ctx context.Context, r Root, opt Options) (*inventory.Inventory, error) {
	inv := &inventory.Inventory{}
	rel, hasRelease := osrelease.Read(r.Tree)
	root := rootOf(r, rel, opt)
	inv.Root = root
	if r.Image != nil {
		for _, p := range r.Image.Problems {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.BadArchive, Package: root.ID, Message: p})
		}
	}
	if r.Layers != nil {
		for _, p := range r.Layers.Problems {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.BadArchive, Package: root.ID, Path: p.Name, Message: p.String()})
		}
	}
	if !hasRelease {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: root.ID,
			Message: "no etc/os-release or usr/lib/os-release: the distribution is unknown, and OS package purls have no distro qualifier"})
	}
	db, err := dpkg.OpenTree(r.Tree, "var/lib/dpkg", rel.ID, rel.VersionID)
	if err != nil {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: root.ID, Message: "dpkg database: " + err.Error()})
	}
	hist := r.histories(ctx)
	osPkgs := r.dpkgPackages(db, rel, hist.deb)
	apkPkgs, err := r.apkPackages(rel, hist.apk)
	if err != nil {
		inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: root.ID, Message: "apk database: " + err.Error()})
	}
	osPkgs = append(osPkgs, apkPkgs...)
	rpmPkgs, files := r.rpmPackages(ctx, inv, rel, hist.rpm)
	osPkgs = append(osPkgs, rpmPkgs...)
	for _, p := range apkPkgs {
		d := &inventory.DistroPackage{Manager: "apk", Distro: rel.ID, Name: p.Name, Version: p.Version, PURL: p.PURL, Source: p.Prop("pysbom:distro:source")}
		for _, f := range p.Files {
			if files == nil {
				files = map[string]*inventory.DistroPackage{}
			}
			files[f.Path] = d
		}
	}
	r.pkgFiles = files
	ids := map[string]bool{}
	for _, p := range osPkgs {
		for ids[p.ID] {
			p.ID += "+"
		}
		ids[p.ID] = true
		inv.Packages = append(inv.Packages, p)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.Contains, To: p.ID})
	}
	native, err := r.pythons(ctx, inv, db, rel, opt)
	if err != nil {
		return nil, err
	}
	if opt.Layers == LayersAll {
		r.removed(inv, rel, hist)
	}
	if opt.Files == FilesAll {
		if err := r.allFiles(ctx, inv, r.owner(db), opt.Workers); err != nil {
			return nil, err
		}
	}
	if opt.WithTree != nil {
		if err := opt.WithTree(ctx, r.Tree, native); err != nil {
			return nil, err
		}
	}
	linkDistro(inv)
	r.changelogs(inv)
	unknownSuppliers(inv)
	inv.Sort()
	return inv, nil
}

// distroParty is the supplier of a distribution's packages.
func distroParty(rel osrelease.Release, fallback string) inventory.Party {
	name := rel.Name
	if name == "" {
		name = fallback
	}
	if name == "" {
		return inventory.Party{}
	}
	return inventory.Party{Kind: inventory.Organization, Name: name}
}

// dpkgPackages are the Debian packages, each with the layers that added
// and last changed it (from hist, the status file's history).
func (r Root) dpkgPackages(db *dpkg.DB, rel osrelease.Release, hist *dbHistory) []*inventory.Package {
	pkgs := db.Packages()
	if len(pkgs) == 0 {
		return nil
	}
	var out []*inventory.Package
	for _, p := range pkgs {
		ip := &inventory.Package{
			ID: "deb/" + p.Name + "@" + p.Version, Kind: inventory.KindOSPackage, Name: p.Name, Version: p.Version,
			PURL: p.PURL(), Supplier: distroParty(rel, "Debian"), FoundBy: "dpkg", Extra: &inventory.Extra{Homepage: p.Homepage},
		}
		if p.Arch != "" && p.Arch != "all" {
			ip.ID = "deb/" + p.Name + ":" + p.Arch + "@" + p.Version
		}
		if p.Maintainer != "" {
			ip.Properties = append(ip.Properties, inventory.Property{Name: "pysbom:distro:maintainer", Value: p.Maintainer})
		}
		if p.Source != "" && p.Source != p.Name {
			ip.Properties = append(ip.Properties, inventory.Property{Name: "pysbom:distro:source", Value: p.Source})
		}
		if hist != nil {
			r.layerProps(ip, hist.added(p.Name+":"+p.Arch, p.Version))
		} else if db.StatusD() {
			r.layerProps(ip, r.layersOf("var/lib/dpkg/status.d/"+p.Name))
		}
		out = append(out, ip)
	}
	return out
}

// apkPackages are Alpine's packages, with their files and layers (from
// hist, the database's history).
func (r Root) apkPackages(rel osrelease.Release, hist *dbHistory) ([]*inventory.Package, error) {
	pkgs, ok, err := apk.Read(r.Tree)
	if !ok {
		return nil, nil
	}
	var out []*inventory.Package
	for _, p := range pkgs {
		ip := &inventory.Package{
			ID: "apk/" + p.Name + "@" + p.Version, Kind: inventory.KindOSPackage, Name: p.Name, Version: p.Version,
			PURL: p.PURL(rel.ID, rel.Distro()), Supplier: distroParty(rel, "Alpine Linux"), FoundBy: "apk", Extra: &inventory.Extra{Homepage: p.URL, Summary: p.Description},
		}
		if p.License != "" {
			ip.Extend().License = inventory.License{Declared: p.License, Source: "apk"}
		}
		if p.Origin != "" && p.Origin != p.Name {
			ip.Properties = append(ip.Properties, inventory.Property{Name: "pysbom:distro:source", Value: p.Origin})
		}
		for _, f := range p.Files {
			file := inventory.File{Path: f.Path}
			if f.SHA1 != "" {
				file.Hashes = []inventory.Hash{{Algorithm: inventory.SHA1, Value: f.SHA1}}
			}
			ip.Files = append(ip.Files, file)
		}
		if hist != nil {
			r.layerProps(ip, hist.added(p.Name, p.Version))
		}
		out = append(out, ip)
	}
	return out, err
}

// layerSpan is the layers that added and last changed something; -1
// when unknown.
type layerSpan struct{ added, changed int }

var noLayers = layerSpan{-1, -1}

// layersOf is the span of one name of the image.
func (r Root) layersOf(name string) layerSpan {
	if r.Layers == nil {
		return noLayers
	}
	e, _, err := r.Layers.Lookup(name)
	if err != nil {
		return noLayers
	}
	return layerSpan{e.Added, e.Changed}
}

// layerProps records on p the layers of span.
func (r Root) layerProps(p *inventory.Package, s layerSpan) {
	if r.Image == nil || s.added < 0 || s.added >= len(r.Image.Layers) {
		return
	}
	add := func(name, by string, i int) {
		l := r.Image.Layers[i]
		p.Properties = append(p.Properties, inventory.Property{Name: name, Value: l.DiffID})
		if l.CreatedBy != "" {
			p.Properties = append(p.Properties, inventory.Property{Name: by, Value: l.CreatedBy})
		}
	}
	add(inventory.PropLayerAdded, inventory.PropLayerAddedBy, s.added)
	if s.changed >= 0 && s.changed != s.added && s.changed < len(r.Image.Layers) {
		add(inventory.PropLayerChanged, inventory.PropLayerChangedBy, s.changed)
	}
}

// dpkgState is what one version of dpkg's status file lists: "NAME:ARCH"
// -> version.
func dpkgState(data []byte) map[string]string {
	out := map[string]string{}
	for _, p := range dpkg.ParseStatus(data) {
		out[p.Name+":"+p.Arch] = p.Version
	}
	return out
}

// apkState is what one version of apk's database lists: name -> version.
func apkState(data []byte) map[string]string {
	ps, _ := apk.Parse(bytes.NewReader(data))
	out := map[string]string{}
	for _, p := range ps {
		out[p.Name] = p.Version
	}
	return out
}

// dbHistories are the package databases' histories, read once for the
// packages' added layers and for the packages later layers removed; nil
// members when the root is no image or a database was never written.
type dbHistories struct{ deb, apk, rpm *dbHistory }

func (r Root) histories(ctx context.Context) dbHistories {
	h := dbHistories{deb: r.history("var/lib/dpkg/status", dpkgState), apk: r.history(apk.DBPath, apkState)}
	if name, format := rpm.Find(r.Tree); rpmParser(ctx, format) != nil {
		h.rpm = r.rpmHistory(ctx, name, format)
	}
	return h
}

// dbHistory is a package database as each layer that wrote it left it.
type dbHistory struct {
	layers []int
	states []map[string]string // key -> version
}

// maxDBVersion bounds one layer's copy of a package database.
const maxDBVersion = 256 << 20

// history reads every layer's version of a tracked database file; nil
// when the root is no image or the file was never written.
func (r Root) history(name string, parse func([]byte) map[string]string) *dbHistory {
	if r.Layers == nil {
		return nil
	}
	vs := r.Layers.Versions(name)
	if len(vs) == 0 {
		return nil
	}
	h := &dbHistory{}
	for _, v := range vs {
		data := r.readVersion(v)
		if data == nil {
			continue
		}
		h.layers = append(h.layers, v.Layer)
		h.states = append(h.states, parse(data))
	}
	return h
}

// readVersion reads one layer's version of a tracked file; nil when it
// cannot be read or is too large.
func (r Root) readVersion(v imagefs.Entry) []byte {
	if v.Size > maxDBVersion {
		return nil
	}
	rc, err := r.Layers.OpenEntry(v)
	if err != nil {
		return nil
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil
	}
	return data
}

// historyWAL is history for an SQLite database whose layers may write its
// write-ahead log (name-wal) too: at each layer that wrote either, the
// state is the latest database at or below it with the latest log
// written since.
func (r Root) historyWAL(name string, parse func(db, wal []byte) map[string]string) *dbHistory {
	if r.Layers == nil {
		return nil
	}
	dbs, wals := r.Layers.Versions(name), r.Layers.Versions(name+"-wal")
	var layers []int
	for _, v := range append(slices.Clone(dbs), wals...) {
		layers = append(layers, v.Layer)
	}
	slices.Sort(layers)
	h := &dbHistory{}
	for _, l := range slices.Compact(layers) {
		var db, wal *imagefs.Entry
		for i := range dbs {
			if dbs[i].Layer <= l {
				db = &dbs[i]
			}
		}
		if db == nil {
			continue
		}
		for i := range wals {
			if wals[i].Layer <= l && wals[i].Layer >= db.Layer {
				wal = &wals[i]
			}
		}
		data := r.readVersion(*db)
		if data == nil {
			continue
		}
		var log []byte
		if wal != nil {
			log = r.readVersion(*wal)
		}
		h.layers = append(h.layers, l)
		h.states = append(h.states, parse(data, log))
	}
	return h
}

// added finds the layer from which key has been installed without a
// break (added), and the one from which it has had this version
// (changed: where an upgrade brought it).
func (h *dbHistory) added(key, version string) layerSpan {
	s := noLayers
	same := true
	for i := len(h.states) - 1; i >= 0; i-- {
		v, ok := h.states[i][key]
		if !ok {
			break
		}
		s.added = h.layers[i]
		if same = same && v == version; same {
			s.changed = h.layers[i]
		}
	}
	return s
}

// rootOf is the root component: the image, or the unpacked root.
func rootOf(r Root, rel osrelease.Release, opt Options) *inventory.Package {
	if r.Image == nil {
		name := opt.Name
		if name == "" {
			name = displayPath(r.Dir)
		}
		p := &inventory.Package{ID: "rootfs", Kind: inventory.KindEnvironment, Name: name, FoundBy: "pysbom",
			Extra: &inventory.Extra{Summary: "root file system"}, Supplier: opt.Supplier}
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropEnvironmentKind, Value: "rootfs"})
		if rel.PrettyName != "" {
			p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropImageDistro, Value: rel.PrettyName})
		}
		return p
	}
	return imageRoot(r.Image, rel, opt)
}

// describeDistro says which distribution a root holds, for summaries.
func describeDistro(rel osrelease.Release) string {
	if rel.PrettyName != "" {
		return rel.PrettyName
	}
	if rel.ID != "" {
		return strings.TrimSpace(rel.ID + " " + rel.VersionID)
	}
	return "an unknown distribution"
}
