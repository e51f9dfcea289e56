package vex

import (
	"sort"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
)

// Apply sets the VEX status of every finding that a valid statement
// covers, and marks suppressed the ones that not_affected or fixed
// statements cover on every path from the root. Every statement that
// covers no finding goes to res.VEXNotApplied with the reason.
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
	parsed := purls{}
	matched := map[*Statement]bool{}
	for _, f := range res.Findings {
		fp := parsed.get(f.PURL)
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
			for _, prod := range s.Products {
				// Each product with its own subcomponents, as written.
				if len(prod.Subcomponents) > 0 && !anyPURL(parsed, prod.Subcomponents, fp) {
					continue
				}
				sp := parsed.get(prod.PURL)
				for id := range above {
					p := byID[id]
					if p == nil || p.PURL == "" || !sp.covers(parsed.get(p.PURL)) {
						continue
					}
					matched[s] = true
					if cur := latest[id]; cur == nil || s.supersedes(cur) {
						latest[id] = s
					}
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
	res.VEXNotApplied = notApplied(inv, stmts, matched, parsed)
}

// notApplied lists the statements that decided no finding: invalid ones,
// ones whose products name no component of the inventory (a product
// renamed, a root whose identity changed), and ones about a vulnerability
// the scan did not find in their products.
func notApplied(inv *inventory.Inventory, stmts []Statement, matched map[*Statement]bool, parsed purls) []scan.VEXNotApplied {
	// Components by type, namespace and name, which covering needs equal.
	comps := map[[3]string][]*purl{}
	add := func(s string) {
		if c := parsed.get(s); c != nil {
			k := [3]string{c.typ, c.namespace, c.name}
			comps[k] = append(comps[k], c)
		}
	}
	if inv.Root != nil && inv.Root.PURL != "" {
		add(inv.Root.PURL)
	}
	for _, p := range inv.Packages {
		if p.PURL != "" {
			add(p.PURL)
		}
	}
	out := []scan.VEXNotApplied{}
	for i := range stmts {
		s := &stmts[i]
		if matched[s] {
			continue
		}
		n := scan.VEXNotApplied{Source: s.Source, Vulnerability: s.Vulnerability, Status: s.Status, Products: []string{}}
		present := false
		for _, prod := range s.Products {
			n.Products = append(n.Products, prod.PURL)
			if sp := parsed.get(prod.PURL); sp != nil {
				for _, c := range comps[[3]string{sp.typ, sp.namespace, sp.name}] {
					present = present || sp.covers(c)
				}
			}
		}
		switch {
		case s.Invalid != "":
			n.Reason = "invalid: " + s.Invalid
		case !present:
			n.Reason = "its products name no component of what was scanned"
		default:
			n.Reason = "no finding of " + s.Vulnerability + " in its products"
		}
		out = append(out, n)
	}
	return out
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

func anyPURL(parsed purls, l []string, c *purl) bool {
	for _, s := range l {
		if parsed.get(s).covers(c) {
			return true
		}
	}
	return false
}
