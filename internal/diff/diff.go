// Package diff compares two inventories, whatever format they were read
// from: components added, removed and changed (version, purl, checksums,
// license, supplier), file checksum changes per component, and
// relationships added and removed.
//
// Components are matched by identity: the purl's type, namespace and name
// (PEP 503 names for PyPI), or the lower-cased name when there is no
// purl, behind the identities of the packages that carry it ("pypi/pip >
// pypi/packaging" for pip's vendored packaging): a vendored copy is
// compared with the copy in the same carrier, never with the package
// installed beside it. When one side has several components of one
// identity (two copies at different versions), equal versions pair first.
package diff

import (
	"fmt"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// Result is what changed from Old to New.
type Result struct {
	Added   []Component `json:"added"`
	Removed []Component `json:"removed"`
	Changed []Change    `json:"changed"`
	// RelationshipsAdded and Removed are "from -> to" (depends on) or
	// "from contains to" (carries) between identities.
	RelationshipsAdded   []string `json:"relationshipsAdded"`
	RelationshipsRemoved []string `json:"relationshipsRemoved"`
}

// Empty reports whether nothing differs.
func (r *Result) Empty() bool {
	return len(r.Added)+len(r.Removed)+len(r.Changed)+len(r.RelationshipsAdded)+len(r.RelationshipsRemoved) == 0
}

// Component names one component.
type Component struct {
	// Carrier names the packages that carry it, outermost first ("pip
	// 23.2.1"); empty for a package nothing carries.
	Carrier []string `json:"carrier,omitempty"`
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Version string   `json:"version"`
	PURL    string   `json:"purl,omitempty"`
}

// Change is a component on both sides that differs.
type Change struct {
	Component
	OldVersion string        `json:"oldVersion,omitempty"`
	Fields     []FieldChange `json:"fields"`
	Files      []FileChange  `json:"files,omitempty"`
}

// FieldChange is one field's old and new value.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// FileChange is a file of a component added, removed or changed.
type FileChange struct {
	Path   string `json:"path"`
	Change string `json:"change"` // "added", "removed", "changed"
}

// Key is a component's identity.
func Key(p *inventory.Package) string {
	if p.PURL != "" {
		if u, err := packageurl.FromString(p.PURL); err == nil {
			name := u.Name
			if u.Type == "pypi" {
				name = pep503.Normalize(name)
			}
			if u.Namespace != "" {
				name = u.Namespace + "/" + name
			}
			return u.Type + "/" + name
		}
	}
	return "name/" + strings.ToLower(p.Name)
}

// Compare returns what changed from old to new.
func Compare(old, new *inventory.Inventory) *Result {
	res := &Result{Added: []Component{}, Removed: []Component{}, Changed: []Change{},
		RelationshipsAdded: []string{}, RelationshipsRemoved: []string{}} // [] in JSON, never null
	oldBy, oldCarriers := group(old)
	newBy, newCarriers := group(new)
	oldIdent, newIdent := map[string]string{}, map[string]string{} // package ID -> key
	var keys []string
	for k := range oldBy {
		keys = append(keys, k)
	}
	for k := range newBy {
		if _, ok := oldBy[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		os, ns := pair(oldBy[k], newBy[k])
		for i := range max(len(os), len(ns)) {
			switch {
			case i >= len(os):
				res.Added = append(res.Added, comp(k, ns[i], newCarriers))
				newIdent[ns[i].ID] = k
			case i >= len(ns):
				res.Removed = append(res.Removed, comp(k, os[i], oldCarriers))
				oldIdent[os[i].ID] = k
			default:
				oldIdent[os[i].ID], newIdent[ns[i].ID] = k, k
				if c, ok := change(k, os[i], ns[i], newCarriers); ok {
					res.Changed = append(res.Changed, c)
				}
			}
		}
	}
	oldRels, newRels := rels(old, oldIdent), rels(new, newIdent)
	for r := range newRels {
		if !oldRels[r] {
			res.RelationshipsAdded = append(res.RelationshipsAdded, r)
		}
	}
	for r := range oldRels {
		if !newRels[r] {
			res.RelationshipsRemoved = append(res.RelationshipsRemoved, r)
		}
	}
	sort.Strings(res.RelationshipsAdded)
	sort.Strings(res.RelationshipsRemoved)
	return res
}

func all(inv *inventory.Inventory) []*inventory.Package {
	if inv.Root == nil {
		return inv.Packages
	}
	return append([]*inventory.Package{inv.Root}, inv.Packages...)
}

func group(inv *inventory.Inventory) (map[string][]*inventory.Package, map[string][]string) {
	keys, carriers := identities(inv)
	out := map[string][]*inventory.Package{}
	for _, p := range all(inv) {
		if p.Kind == inventory.KindFile {
			continue
		}
		k := keys[p.ID]
		out[k] = append(out[k], p)
	}
	return out, carriers
}

// identities keys every package by its own identity behind its carriers'
// ("pypi/pip > pypi/packaging"), and names its carriers, outermost first.
func identities(inv *inventory.Inventory) (keys map[string]string, carriers map[string][]string) {
	n := inv.Nesting()
	parent := map[int]int{}
	for p, kids := range n.Children {
		for _, k := range kids {
			parent[k] = p
		}
	}
	keys, carriers = map[string]string{}, map[string][]string{}
	if inv.Root != nil {
		keys[inv.Root.ID] = Key(inv.Root)
	}
	for i, p := range inv.Packages {
		k := Key(p)
		var names []string
		for j, ok := parent[i]; ok; j, ok = parent[j] {
			c := inv.Packages[j]
			k = Key(c) + " > " + k
			names = append([]string{strings.TrimSpace(c.Name + " " + c.Version)}, names...)
		}
		keys[p.ID], carriers[p.ID] = k, names
	}
	return keys, carriers
}

// pair orders two groups so that equal versions face each other.
func pair(os, ns []*inventory.Package) ([]*inventory.Package, []*inventory.Package) {
	var po, pn, restO, restN []*inventory.Package
	used := map[int]bool{}
	for _, o := range os {
		found := -1
		for j, n := range ns {
			if !used[j] && n.Version == o.Version {
				found = j
				break
			}
		}
		if found >= 0 {
			used[found] = true
			po, pn = append(po, o), append(pn, ns[found])
		} else {
			restO = append(restO, o)
		}
	}
	for j, n := range ns {
		if !used[j] {
			restN = append(restN, n)
		}
	}
	return append(po, restO...), append(pn, restN...)
}

func comp(k string, p *inventory.Package, carriers map[string][]string) Component {
	return Component{Key: k, Name: p.Name, Version: p.Version, PURL: p.PURL, Carrier: carriers[p.ID]}
}

func change(k string, o, n *inventory.Package, carriers map[string][]string) (Change, bool) {
	c := Change{Component: comp(k, n, carriers), Fields: []FieldChange{}}
	field := func(name, a, b string) {
		if a != b {
			c.Fields = append(c.Fields, FieldChange{name, a, b})
		}
	}
	field("version", o.Version, n.Version)
	if o.Version != n.Version {
		c.OldVersion = o.Version
	}
	field("purl", o.PURL, n.PURL)
	if a, b := licenseOf(o), licenseOf(n); a != b {
		// Free text on both sides is not compared (see licenseOf).
		field("license", orText(a), orText(b))
	}
	field("supplier", partyOf(o.Supplier), partyOf(n.Supplier))
	field("checksums", hashes(o.Hashes), hashes(n.Hashes))
	field("download location", o.More().DownloadLocation, n.More().DownloadLocation)
	of, nf := map[string]string{}, map[string]string{}
	for _, f := range o.Files {
		of[f.Path] = hashes(f.Hashes)
	}
	for _, f := range n.Files {
		nf[f.Path] = hashes(f.Hashes)
	}
	for p, h := range nf {
		switch oh, ok := of[p]; {
		case !ok:
			c.Files = append(c.Files, FileChange{p, "added"})
		case oh != h && oh != "" && h != "":
			c.Files = append(c.Files, FileChange{p, "changed"})
		}
	}
	for p := range of {
		if _, ok := nf[p]; !ok {
			c.Files = append(c.Files, FileChange{p, "removed"})
		}
	}
	sort.Slice(c.Files, func(i, j int) bool { return c.Files[i].Path < c.Files[j].Path })
	return c, len(c.Fields) > 0 || len(c.Files) > 0
}

// licenseOf is the license as a comparable SPDX expression, or "" when it
// is free text or refers to document-local LicenseRef text (which two
// documents name differently even when the text is the same).
func licenseOf(p *inventory.Package) string {
	if strings.Contains(p.More().License.Expression, "LicenseRef-") {
		return ""
	}
	return p.More().License.Expression
}

func orText(expr string) string {
	if expr == "" {
		return "(not an SPDX expression)"
	}
	return expr
}

func partyOf(p inventory.Party) string {
	if p.IsZero() {
		return ""
	}
	return p.Name
}

// hashes renders checksums comparably: only algorithms both sides could
// have are compared by the caller's eyes, so all are listed, sorted.
func hashes(hs []inventory.Hash) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%s:%s", strings.ToUpper(string(h.Algorithm)), h.Value))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func rels(inv *inventory.Inventory, ident map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, r := range inv.Relationships {
		from, to := ident[r.From], ident[r.To]
		if from == "" || to == "" {
			continue
		}
		// A carrier's vendored copy is contained, not depended on, in SPDX
		// and in CycloneDX's nesting alike. The root's edges are compared
		// whatever their type: SPDX says the root CONTAINS what CycloneDX
		// lists as the metadata component's dependencies.
		if r.Type == inventory.Contains && (inv.Root == nil || r.From != inv.Root.ID) {
			out[from+" contains "+to] = true
			continue
		}
		out[from+" -> "+to] = true
	}
	return out
}
