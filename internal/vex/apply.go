package vex

import (
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/scan"
)

// ValidPURL reports whether s parses as a package URL.
func ValidPURL(s string) bool {
	_, err := packageurl.FromString(s)
	return err == nil
}

// PURLMatches reports whether a statement's purl covers a component's.
func PURLMatches(statement, component string) bool {
	s, err1 := packageurl.FromString(statement)
	c, err2 := packageurl.FromString(component)
	if err1 != nil || err2 != nil {
		return false
	}
	if !strings.EqualFold(s.Type, c.Type) || s.Namespace != c.Namespace {
		return false
	}
	sn, cn := s.Name, c.Name
	if strings.EqualFold(s.Type, "pypi") {
		sn, cn = pep503.Normalize(sn), pep503.Normalize(cn)
	}
	if sn != cn {
		return false
	}
	if s.Version != "" {
		if strings.EqualFold(s.Type, "pypi") {
			a, ea := pep440.Parse(s.Version)
			b, eb := pep440.Parse(c.Version)
			if ea != nil || eb != nil || a.Compare(b) != 0 {
				if s.Version != c.Version {
					return false
				}
			}
		} else if s.Version != c.Version {
			return false
		}
	}
	cq := c.Qualifiers.Map()
	for k, v := range s.Qualifiers.Map() {
		if cq[k] != v {
			return false
		}
	}
	return true
}

// Apply sets the VEX status of every finding that a valid statement
// covers, and marks suppressed the ones that not_affected or fixed
// statements cover on every path from the root.
func Apply(res *scan.Result, inv *inventory.Inventory, stmts []Statement) {
	byID := map[string]*inventory.Package{}
	children := map[string][]string{}
	parents := map[string][]string{}
	if inv.Root != nil {
		byID[inv.Root.ID] = inv.Root
	}
	for _, p := range inv.Packages {
		byID[p.ID] = p
	}
	for _, r := range inv.Relationships {
		if r.Type == inventory.Contains || r.Type == inventory.DependsOn {
			children[r.From] = append(children[r.From], r.To)
			parents[r.To] = append(parents[r.To], r.From)
		}
	}
	for _, f := range res.Findings {
		ids := map[string]bool{f.ID: true}
		for _, a := range f.Aliases {
			ids[a] = true
		}
		// A statement's product is the component itself, one that
		// contains it or depends on it, or the document's root; the latest valid statement per
		// product decides for that product.
		above := ancestors(parents, f.Component)
		if inv.Root != nil {
			above[inv.Root.ID] = true // the document describes it all
		}
		latest := map[string]*Statement{} // product component ID -> statement
		for i := range stmts {
			s := &stmts[i]
			if s.Invalid != "" || !anyIn(s.IDs(), ids) {
				continue
			}
			if len(s.Subcomponents) > 0 && !anyPURL(s.Subcomponents, f.PURL) {
				continue
			}
			for id := range above {
				p := byID[id]
				if p == nil || p.PURL == "" || !anyPURL(s.Products, p.PURL) {
					continue
				}
				if cur := latest[id]; cur == nil || s.supersedes(cur) {
					latest[id] = s
				}
			}
		}
		if len(latest) == 0 {
			continue
		}
		// The statement shown is the one on the component itself if any,
		// else the latest of those on its products.
		covering := map[string]bool{}
		var shown *Statement
		keys := make([]string, 0, len(latest))
		for id := range latest {
			keys = append(keys, id)
		}
		sort.Strings(keys)
		for _, id := range keys {
			s := latest[id]
			if s.Status == NotAffected || s.Status == Fixed {
				covering[id] = true
			}
			if shown == nil || s.Timestamp.After(shown.Timestamp) {
				shown = s
			}
		}
		if s := latest[f.Component]; s != nil {
			shown = s
		}
		f.VEX = &scan.VEXStatus{Status: shown.Status, Justification: shown.Justification,
			ImpactStatement: shown.ImpactStatement, ActionStatement: shown.ActionStatement, Source: shown.Source}
		f.VEX.Suppressed = covered(inv, children, covering, f.Component)
	}
}

// ancestors returns the component and every component from which it is
// reached.
func ancestors(parents map[string][]string, id string) map[string]bool {
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, p := range parents[n] {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return seen
}

// covered reports whether target is a covering product, or is reached
// from the root and every path from the root to it passes through one.
func covered(inv *inventory.Inventory, children map[string][]string, covering map[string]bool, target string) bool {
	if covering[target] {
		return true
	}
	if inv.Root == nil || len(covering) == 0 {
		return false
	}
	if covering[inv.Root.ID] {
		return true
	}
	return !reaches(children, inv.Root.ID, target, covering) && reaches(children, inv.Root.ID, target, nil)
}

// reaches reports whether target can be reached from the root without
// passing through a node in avoid.
func reaches(children map[string][]string, root, target string, avoid map[string]bool) bool {
	seen := map[string]bool{root: true}
	queue := []string{root}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, c := range children[n] {
			if c == target {
				return true
			}
			if seen[c] || avoid[c] {
				continue
			}
			seen[c] = true
			queue = append(queue, c)
		}
	}
	return false
}

func anyIn(l []string, set map[string]bool) bool {
	for _, s := range l {
		if set[s] {
			return true
		}
	}
	return false
}

func anyPURL(l []string, purl string) bool {
	for _, s := range l {
		if PURLMatches(s, purl) {
			return true
		}
	}
	return false
}
