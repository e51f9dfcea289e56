// Package embedded reads what an installed distribution says it carries
// inside itself, and makes those components part of the inventory:
//
//   - the SBOM documents of PEP 770, in .dist-info/sboms/ (auditwheel's,
//     maturin's cargo documents, hatchling's, anyone's), and pip's
//     _vendor/bom.cdx.json, in CycloneDX or SPDX JSON;
//   - vendored pure-Python packages: _vendor/vendor.txt (pip's pins;
//     an indented pin is vendored for the pin above it) and vendored
//     .dist-info directories under _vendor/.
//
// Every component becomes a package CONTAINED by the distribution that
// carries it, with an ID scoped to that distribution ("pypi/pip@23.2.1>
// pypi/idna@3.4"), since each carried copy is a copy of its own. The same
// component named by two sources of one distribution is merged; the
// distribution itself, when a document names it, is not duplicated.
package embedded

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/sbom"
)

// maxDoc bounds the size of one carried document.
const maxDoc = 32 << 20

// Result is what a distribution carries.
type Result struct {
	Packages      []*inventory.Package
	Relationships []inventory.Relationship
	Problems      []inventory.Problem
	// Links are the shared libraries its binaries link dynamically.
	Links []binaries.Link
}

// Extract reads the carried SBOMs and vendored packages of dist, whose
// file paths are relative to the root of fsys: the site directory of an
// installed distribution, or a wheel opened as a zip file. seen, when not
// nil, is given each ELF binary of dist parsed (see [binaries.Seen]).
func Extract(fsys fs.FS, dist *inventory.Package, seen binaries.Seen) Result {
	site := fsys
	m := &merger{owner: dist, ownerKey: pep503.Normalize(dist.Name), byID: map[string]*inventory.Package{}, listings: map[string]bool{}}
	meta := ""
	if dist.Python != nil {
		meta = dist.Python.MetadataDir
	}
	for _, f := range dist.Files {
		p := f.Path
		switch {
		case meta != "" && strings.HasPrefix(p, meta+"/sboms/"):
			m.document(site, p)
		case path.Base(p) == "bom.cdx.json" && isVendorDir(path.Dir(p)):
			m.listings[path.Dir(p)] = true
			m.document(site, p)
		case (path.Base(p) == "vendor.txt" || path.Base(p) == "vendored.txt") && isVendorDir(path.Dir(p)):
			m.listings[path.Dir(p)] = true
			m.vendorTxt(site, p)
		case path.Base(p) == "METADATA" && strings.HasSuffix(path.Dir(p), ".dist-info") && isVendorDir(path.Dir(path.Dir(p))):
			m.vendoredDistInfo(site, p)
		}
	}
	m.unlistedVendored(site, dist.Files)
	m.observe(site, seen)
	return m.res
}

// versionRE matches a static version string that is the whole statement.
var versionRE = regexp.MustCompile(`(?m)^__version__\s*(?::\s*str\s*)?=\s*['"]([0-9][^'"\s]*)['"]\s*(?:#.*)?$`)

// unlistedVendored finds packages in a vendoring folder that no listing
// names (setuptools ships its _vendor/ without one). A version is taken
// only from a static __version__ assignment; the others are reported as
// vendored code of unknown version, never guessed.
func (m *merger) unlistedVendored(site fs.FS, files []inventory.File) {
	listed := map[string]bool{}
	for _, p := range m.res.Packages {
		listed[path.Dir(vendorOf(p))+"|"+pep503.Normalize(p.Name)] = true
	}
	children := map[string][]string{} // vendor dir + "|" + child -> files
	var order []string
	for _, f := range files {
		parts := strings.Split(f.Path, "/")
		for i := 0; i+1 < len(parts); i++ {
			if !isVendorDir(strings.Join(parts[:i+1], "/")) || i+1 == len(parts)-1 && !strings.HasSuffix(parts[i+1], ".py") {
				continue
			}
			child := strings.TrimSuffix(parts[i+1], ".py")
			if child == "__init__" || child == "__pycache__" || strings.HasSuffix(child, ".dist-info") || strings.HasSuffix(child, ".txt") {
				break
			}
			k := strings.Join(parts[:i+1], "/") + "|" + child
			if _, ok := children[k]; !ok {
				order = append(order, k)
			}
			children[k] = append(children[k], f.Path)
			break
		}
	}
	sort.Strings(order)
	for _, k := range order {
		dir, child, _ := strings.Cut(k, "|")
		if listed[dir+"|"+pep503.Normalize(child)] || m.vendorListed(dir) {
			continue
		}
		version := ""
		for _, f := range children[k] {
			switch path.Base(f) {
			case "__init__.py", "__about__.py", "_version.py", "version.py", child + ".py":
				if data, err := read(site, f); err == nil {
					if mm := versionRE.FindSubmatch(data); mm != nil {
						version = string(mm[1])
					}
				}
			}
			if version != "" {
				break
			}
		}
		src := dir + "/" + child
		if version == "" {
			m.problem(inventory.UnknownVendored, src, "vendored code with no version in any listing or __version__; not in this SBOM as a component")
			continue
		}
		c := &inventory.Package{ID: src, Name: child, Version: version,
			PURL:       packageurl.NewPackageURL("pypi", "", pep503.Normalize(child), version, nil, "").ToString(),
			Properties: []inventory.Property{{Name: inventory.PropVersionSource, Value: "__version__"}}}
		m.merge(&inventory.Inventory{Packages: []*inventory.Package{c}}, src, "python/vendored-code")
	}
}

// vendorListed reports whether a vendoring folder came with a listing
// (vendor.txt or a bom.cdx.json), which is then taken as complete.
func (m *merger) vendorListed(dir string) bool {
	return m.listings[dir]
}

// vendorOf returns the source property of a carried package.
func vendorOf(p *inventory.Package) string {
	for _, pr := range p.Properties {
		if pr.Name == inventory.PropSource {
			return pr.Value
		}
	}
	return ""
}

// isVendorDir reports whether dir is a vendoring folder (_vendor, _vendored, vendor).
func isVendorDir(dir string) bool {
	switch path.Base(dir) {
	case "_vendor", "_vendored", "vendored", "vendor":
		return true
	}
	return false
}

type merger struct {
	owner    *inventory.Package
	ownerKey string
	byID     map[string]*inventory.Package
	listings map[string]bool // vendoring folders with a listing
	res      Result
}

func (m *merger) problem(kind inventory.ProblemKind, file, format string, args ...any) {
	m.res.Problems = append(m.res.Problems, inventory.Problem{Kind: kind, Package: m.owner.ID, Path: file, Message: fmt.Sprintf(format, args...)})
}

func read(site fs.FS, rel string) ([]byte, error) {
	f, err := site.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDoc+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDoc {
		return nil, fmt.Errorf("larger than %d MiB", maxDoc>>20)
	}
	return data, nil
}

// document reads one carried SBOM, whatever its format.
func (m *merger) document(site fs.FS, rel string) {
	data, err := read(site, rel)
	if err != nil {
		m.problem(inventory.BadSBOM, rel, "cannot read: %v", err)
		return
	}
	doc, format, err := sbom.Decode(data)
	switch {
	case errors.Is(err, sbom.ErrUnknownFormat):
		m.problem(inventory.UnreadSBOM, rel, "%v; its content is not in this SBOM", err)
		return
	case err != nil:
		m.problem(inventory.BadSBOM, rel, "%s document cannot be read: %v", format, err)
		return
	}
	m.merge(doc, rel, "python/sbom")
}

// merge adds the components of doc as carried by the owner.
func (m *merger) merge(doc *inventory.Inventory, source, foundBy string) {
	ids := map[string]string{} // document ID -> inventory ID
	all := doc.Packages
	if doc.Root != nil {
		all = append([]*inventory.Package{doc.Root}, all...)
	}
	for _, c := range all {
		if c.Kind == inventory.KindFile || c.Name == "" {
			continue
		}
		if m.isOwner(c) {
			ids[c.ID] = m.owner.ID
			continue
		}
		ids[c.ID] = m.add(c, source, foundBy)
	}
	for _, r := range doc.Relationships {
		from, to := ids[r.From], ids[r.To]
		if from == "" || to == "" || from == to || from == m.owner.ID && r.Type == inventory.Contains {
			continue
		}
		m.res.Relationships = append(m.res.Relationships, inventory.Relationship{From: from, Type: r.Type, To: to})
	}
}

// isOwner reports whether a document's component is the distribution itself.
func (m *merger) isOwner(c *inventory.Package) bool {
	if c.PURL != "" {
		p, err := packageurl.FromString(c.PURL)
		if err != nil || p.Type != "pypi" {
			return false
		}
		return pep503.Normalize(p.Name) == m.ownerKey && (p.Version == "" || p.Version == m.owner.Version)
	}
	return pep503.Normalize(c.Name) == m.ownerKey && (c.Version == "" || c.Version == m.owner.Version)
}

// key identifies a component within its owner: purl type, namespace,
// name (PEP 503 for PyPI) and version.
func key(c *inventory.Package) string {
	if p, err := packageurl.FromString(c.PURL); err == nil && c.PURL != "" {
		name := p.Name
		if p.Type == "pypi" {
			name = pep503.Normalize(name)
		}
		if p.Namespace != "" {
			name = p.Namespace + "/" + name
		}
		v := p.Version
		if v == "" {
			v = c.Version
		}
		return p.Type + "/" + name + "@" + v
	}
	return "generic/" + c.Name + "@" + c.Version
}

// add records c as carried by the owner and returns its inventory ID.
func (m *merger) add(c *inventory.Package, source, foundBy string) string {
	id := m.owner.ID + ">" + key(c)
	prop := inventory.Property{Name: inventory.PropSource, Value: source}
	if old, ok := m.byID[id]; ok {
		fill(old, c)
		for _, q := range append(slices.Clone(c.Properties), prop) {
			if !slices.Contains(old.Properties, q) {
				old.Properties = append(old.Properties, q)
			}
		}
		return id
	}
	p := *c
	if c.Extra != nil { // p's own, for fill to complete
		x := *c.Extra
		p.Extra = &x
	}
	p.ID, p.Kind, p.FoundBy = id, inventory.KindLibrary, foundBy
	p.Files = nil
	p.Properties = append(slices.Clone(c.Properties), prop)
	m.byID[id] = &p
	m.res.Packages = append(m.res.Packages, &p)
	m.res.Relationships = append(m.res.Relationships, inventory.Relationship{From: m.owner.ID, Type: inventory.Contains, To: id})
	return id
}

// fill completes old with what c knows and old does not.
func fill(old, c *inventory.Package) {
	set := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	set(&old.Version, c.Version)
	set(&old.PURL, c.PURL)
	if cx := c.Extra; cx != nil {
		x := old.Extend()
		set(&x.Summary, cx.Summary)
		set(&x.DownloadLocation, cx.DownloadLocation)
		set(&x.Homepage, cx.Homepage)
		for _, cpe := range cx.CPEs {
			if !slices.Contains(x.CPEs, cpe) {
				x.CPEs = append(x.CPEs, cpe)
			}
		}
	}
	if old.More().License.Expression == "" && old.More().License.Declared == "" {
		old.Extend().License = c.More().License
	}
	if old.Supplier.IsZero() {
		old.Supplier = c.Supplier
	}
	for _, h := range c.Hashes {
		if old.Hash(h.Algorithm) == "" {
			old.Hashes = append(old.Hashes, h)
		}
	}
}

// vendorTxt reads pip-style pins: "name==version  # comment", where an
// indented pin is vendored for the pin above it.
func (m *merger) vendorTxt(site fs.FS, rel string) {
	data, err := read(site, rel)
	if err != nil {
		m.problem(inventory.BadSBOM, rel, "cannot read: %v", err)
		return
	}
	doc := &inventory.Inventory{}
	parent := ""
	for i, line := range strings.Split(string(data), "\n") {
		text := line
		if j := strings.Index(text, "#"); j >= 0 {
			text = text[:j]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		name, version, ok := strings.Cut(strings.TrimSpace(text), "==")
		name, version = strings.TrimSpace(name), strings.TrimSpace(version)
		if !ok || !pep503.Valid(name) || version == "" || strings.ContainsAny(version, " ,;<>=!") {
			m.problem(inventory.BadSBOM, rel, "line %d: %q is not a name==version pin", i+1, strings.TrimSpace(line))
			continue
		}
		p := &inventory.Package{
			ID: "line-" + fmt.Sprint(i+1), Name: name, Version: version,
			PURL: packageurl.NewPackageURL("pypi", "", pep503.Normalize(name), version, nil, "").ToString(),
		}
		doc.Packages = append(doc.Packages, p)
		if line[0] == ' ' || line[0] == '\t' {
			if parent != "" {
				doc.Relationships = append(doc.Relationships, inventory.Relationship{From: parent, Type: inventory.DependsOn, To: p.ID})
			}
		} else {
			parent = p.ID
		}
	}
	m.merge(doc, rel, "python/vendor.txt")
}

// vendoredDistInfo reads a vendored distribution's own metadata.
func (m *merger) vendoredDistInfo(site fs.FS, rel string) {
	data, err := read(site, rel)
	var p *inventory.Package
	if err == nil {
		p, err = distinfo.FromMetadataBytes(data)
	}
	if err != nil {
		m.problem(inventory.BadMetadata, rel, "vendored distribution: %v", err)
		return
	}
	p.ID = "vendored"
	p.Python.MetadataDir = path.Dir(rel)
	m.merge(&inventory.Inventory{Packages: []*inventory.Package{p}}, rel, "python/vendored-dist-info")
}
