package extract

import (
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/apk"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/extract/rpm"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/metadata"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// LayersAll, as Options.Layers, also reports what earlier layers of an
// image held and later ones removed.
const LayersAll = "all"

// removed adds the components that earlier layers held and later layers
// removed or replaced (--layers all): OS packages from every layer's copy
// of the package databases, Python distributions from the metadata files
// the layers' whiteouts and replacements removed. Each carries the layer
// that added it and the one that removed it; none is CONTAINED by the
// image, which no longer holds it.
func (r Root) removed(inv *inventory.Inventory, rel osrelease.Release, hist dbHistories) {
	if r.Layers == nil || r.Image == nil {
		return
	}
	type database struct {
		manager string
		hist    *dbHistory
		purl    func(key, version string) string
	}
	dbs := []database{
		{"deb", hist.deb, func(key, version string) string {
			name, arch, _ := strings.Cut(key, ":")
			return dpkg.Package{Name: name, Version: version, Arch: arch, Distro: rel.ID, DistroVersion: rel.VersionID}.PURL()
		}},
		{"apk", hist.apk, func(key, version string) string {
			return apk.Package{Name: key, Version: version}.PURL(rel.ID, rel.Distro())
		}},
		{"rpm", hist.rpm, func(key, evr string) string {
			name, arch := key, ""
			if i := strings.LastIndexByte(key, '.'); i > 0 {
				name, arch = key[:i], key[i+1:]
			}
			p := rpm.Package{Name: name, Arch: arch}
			p.SetEVR(evr)
			return p.PURL(rpm.Namespace(rel.ID), rel.Distro())
		}},
	}
	for _, db := range dbs {
		if db.hist == nil {
			continue
		}
		for _, g := range db.hist.gone() {
			name := g.key
			if i := strings.IndexAny(name, ":"); i > 0 && db.manager == "deb" {
				name = name[:i]
			}
			if i := strings.LastIndexByte(name, '.'); i > 0 && db.manager == "rpm" {
				name = name[:i]
			}
			p := &inventory.Package{ID: "removed/" + db.manager + "/" + g.key + "@" + g.version + "#" + strconv.Itoa(g.by),
				Kind: inventory.KindOSPackage, Name: name, Version: g.version, PURL: db.purl(g.key, g.version), FoundBy: db.manager}
			r.removedProps(p, g.added, g.by)
			inv.Packages = append(inv.Packages, p)
		}
	}
	r.removedDists(inv)
}

// goneEntry is a package version a database listed and a later layer's
// copy no longer does.
type goneEntry struct {
	key, version string
	added, by    int // layers
}

// gone lists, in layer order, the package versions that some layer's
// database listed and a later layer's no longer does (removed, or
// replaced by another version).
func (h *dbHistory) gone() []goneEntry {
	var out []goneEntry
	since := map[string]int{} // "key\x00version" -> the layer from which it is listed
	for i, state := range h.states {
		for k, v := range state {
			if _, ok := since[k+"\x00"+v]; !ok {
				since[k+"\x00"+v] = h.layers[i]
			}
		}
		if i == 0 {
			continue
		}
		for _, kv := range slices.Sorted(maps.Keys(since)) {
			k, v, _ := strings.Cut(kv, "\x00")
			if state[k] != v {
				out = append(out, goneEntry{key: k, version: v, added: since[kv], by: h.layers[i]})
				delete(since, kv)
			}
		}
	}
	return out
}

// metadataRE names a distribution's METADATA file and its site directory.
var metadataRE = regexp.MustCompile(`^(.+)/[^/]+\.dist-info/METADATA$`)

// removedDists adds the Python distributions whose METADATA a later layer
// removed (a whiteout of their .dist-info, a directory replaced).
func (r Root) removedDists(inv *inventory.Inventory) {
	seen := map[string]bool{}
	for _, g := range r.Layers.Removed() {
		m := metadataRE.FindStringSubmatch(g.Name)
		if m == nil || g.Size > 1<<20 {
			continue
		}
		rc, err := r.Layers.OpenEntry(g.Entry)
		if err != nil {
			continue
		}
		md, err := metadata.Parse(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil || md.Name == "" || md.Version == "" {
			continue
		}
		name, version := md.Name, md.Version
		id := "removed/pypi/" + pep503.Normalize(name) + "@" + version + "#/" + m[1] + "#" + strconv.Itoa(g.By)
		if seen[id] {
			continue
		}
		seen[id] = true
		p := &inventory.Package{ID: id, Kind: inventory.KindDistribution, Name: name, Version: version,
			PURL: "pkg:pypi/" + pep503.Normalize(name) + "@" + version, FoundBy: "python/dist-info",
			Python: &inventory.PythonDist{Location: "/" + m[1], MetadataDir: path.Base(path.Dir(g.Name))}}
		r.removedProps(p, g.Added, g.By)
		inv.Packages = append(inv.Packages, p)
	}
}

// removedProps records the layer that added p and the one that removed it.
func (r Root) removedProps(p *inventory.Package, added, by int) {
	r.layerProps(p, layerSpan{added, -1})
	if by >= 0 && by < len(r.Image.Layers) {
		l := r.Image.Layers[by]
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropLayerRemoved, Value: l.DiffID})
		if l.CreatedBy != "" {
			p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropLayerRemovedBy, Value: l.CreatedBy})
		}
	}
}
