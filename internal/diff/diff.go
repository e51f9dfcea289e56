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
	"bytes"
	"fmt"
	"hash/fnv"
	"slices"
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

// Compare returns what changed from old to new. Its memory is a few
// words per component and relationship beyond the inventories, whatever
// their size: components are matched by sorting them by identity, and
// relationships are compared by 128-bit hashes, spelled out only where
// they differ.
func Compare(old, new *inventory.Inventory) *Result {
	res := &Result{Added: []Component{}, Removed: []Component{}, Changed: []Change{},
		RelationshipsAdded: []string{}, RelationshipsRemoved: []string{}} // [] in JSON, never null
	o, n := newSide(old), newSide(new)
	oi, ni := o.byKey(), n.byKey()
	for len(oi) > 0 || len(ni) > 0 {
		var k string
		switch {
		case len(ni) == 0 || len(oi) > 0 && o.keys[oi[0]] < n.keys[ni[0]]:
			k = o.keys[oi[0]]
		default:
			k = n.keys[ni[0]]
		}
		var os, ns []*inventory.Package
		for ; len(oi) > 0 && o.keys[oi[0]] == k; oi = oi[1:] {
			os = append(os, o.all[oi[0]])
		}
		for ; len(ni) > 0 && n.keys[ni[0]] == k; ni = ni[1:] {
			ns = append(ns, n.all[ni[0]])
		}
		if len(os) > 1 || len(ns) > 1 {
			os, ns = pair(os, ns)
		}
		for i := range max(len(os), len(ns)) {
			switch {
			case i >= len(os):
				res.Added = append(res.Added, n.comp(k, ns[i]))
			case i >= len(ns):
				res.Removed = append(res.Removed, o.comp(k, os[i]))
			default:
				if c, ok := change(n.comp(k, ns[i]), os[i], ns[i]); ok {
					res.Changed = append(res.Changed, c)
				}
			}
		}
	}
	oldRels, newRels := o.relHashes(), n.relHashes()
	res.RelationshipsAdded = n.relsNotIn(newRels, oldRels)
	res.RelationshipsRemoved = o.relsNotIn(oldRels, newRels)
	return res
}

// side is one inventory as Compare sees it.
type side struct {
	inv *inventory.Inventory
	all []*inventory.Package // the root first
	// keys are the identities of all, behind their carriers' ("pypi/pip >
	// pypi/packaging"); carriers name the packages that carry all[i],
	// outermost first, for the packages carried.
	keys     []string
	carriers map[int][]string
	byID     []int32 // indices into all, sorted by ID
}

func newSide(inv *inventory.Inventory) *side {
	s := &side{inv: inv, all: inv.Packages, carriers: map[int][]string{}}
	off := 0 // where inv.Packages start in all
	if inv.Root != nil {
		s.all, off = append([]*inventory.Package{inv.Root}, inv.Packages...), 1
	}
	parent := map[int]int{} // indices into inv.Packages, of carried packages only
	for p, kids := range inv.Nesting().Children {
		for _, k := range kids {
			parent[k] = p
		}
	}
	s.keys = make([]string, len(s.all))
	for i, p := range s.all {
		s.keys[i] = Key(p)
	}
	for i := range inv.Packages {
		if _, carried := parent[i]; !carried {
			continue
		}
		k := Key(inv.Packages[i])
		var names []string
		for j, ok := parent[i]; ok; j, ok = parent[j] {
			c := inv.Packages[j]
			k = Key(c) + " > " + k
			names = append([]string{strings.TrimSpace(c.Name + " " + c.Version)}, names...)
		}
		s.keys[off+i], s.carriers[off+i] = k, names
	}
	s.byID = make([]int32, len(s.all))
	for i := range s.byID {
		s.byID[i] = int32(i)
	}
	slices.SortStableFunc(s.byID, func(a, b int32) int { return strings.Compare(s.all[a].ID, s.all[b].ID) })
	return s
}

// byKey is the indices of the packages compared (files are not), sorted
// by identity, in inventory order within one.
func (s *side) byKey() []int32 {
	var out []int32
	for i, p := range s.all {
		if p.Kind != inventory.KindFile {
			out = append(out, int32(i))
		}
	}
	slices.SortStableFunc(out, func(a, b int32) int { return strings.Compare(s.keys[a], s.keys[b]) })
	return out
}

// ident is the identity of the package whose ID is id; "" for none, or
// for a file.
func (s *side) ident(id string) string {
	k, found := slices.BinarySearchFunc(s.byID, id, func(i int32, id string) int { return strings.Compare(s.all[i].ID, id) })
	if !found {
		return ""
	}
	// Of packages sharing an ID, the last is the one named, as a map of
	// ID to package would have it.
	for k+1 < len(s.byID) && s.all[s.byID[k+1]].ID == id {
		k++
	}
	if i := s.byID[k]; s.all[i].Kind != inventory.KindFile {
		return s.keys[i]
	}
	return ""
}

func (s *side) comp(k string, p *inventory.Package) Component {
	c := Component{Key: k, Name: p.Name, Version: p.Version, PURL: p.PURL}
	if len(s.carriers) > 0 {
		// The carriers of p, found by its place in all.
		if i, ok := s.index(p); ok {
			c.Carrier = s.carriers[i]
		}
	}
	return c
}

// index is p's place in all.
func (s *side) index(p *inventory.Package) (int, bool) {
	k, found := slices.BinarySearchFunc(s.byID, p.ID, func(i int32, id string) int { return strings.Compare(s.all[i].ID, id) })
	for ; found && k < len(s.byID) && s.all[s.byID[k]].ID == p.ID; k++ {
		if s.all[s.byID[k]] == p {
			return int(s.byID[k]), true
		}
	}
	return 0, false
}

// relationship spells out r between identities; "" when an end is no
// package compared.
func (s *side) relationship(r inventory.Relationship) string {
	from, to := s.ident(r.From), s.ident(r.To)
	if from == "" || to == "" {
		return ""
	}
	// A carrier's vendored copy is contained, not depended on, in SPDX
	// and in CycloneDX's nesting alike. The root's edges are compared
	// whatever their type: SPDX says the root CONTAINS what CycloneDX
	// lists as the metadata component's dependencies.
	if r.Type == inventory.Contains && (s.inv.Root == nil || r.From != s.inv.Root.ID) {
		return from + " contains " + to
	}
	return from + " -> " + to
}

type relHash [16]byte

func hashOf(rel string) relHash {
	h := fnv.New128a()
	h.Write([]byte(rel))
	var out relHash
	h.Sum(out[:0])
	return out
}

// relHashes is the set of the side's relationships as hashes, sorted.
func (s *side) relHashes() []relHash {
	var out []relHash
	for _, r := range s.inv.Relationships {
		if rel := s.relationship(r); rel != "" {
			out = append(out, hashOf(rel))
		}
	}
	slices.SortFunc(out, func(a, b relHash) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// relsNotIn spells out the side's relationships (mine, as relHashes has
// them) that other does not have, sorted.
func (s *side) relsNotIn(mine, other []relHash) []string {
	missing := map[relHash]bool{}
	for _, h := range mine {
		if _, found := slices.BinarySearchFunc(other, h, func(a, b relHash) int { return bytes.Compare(a[:], b[:]) }); !found {
			missing[h] = true
		}
	}
	out := []string{}
	if len(missing) == 0 {
		return out
	}
	for _, r := range s.inv.Relationships {
		if rel := s.relationship(r); rel != "" && missing[hashOf(rel)] {
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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

// change is what differs from o to n, the component c on the new side.
func change(comp Component, o, n *inventory.Package) (Change, bool) {
	c := Change{Component: comp, Fields: []FieldChange{}}
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
	if len(o.Files) == 0 && len(n.Files) == 0 {
		return c, len(c.Fields) > 0
	}
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
