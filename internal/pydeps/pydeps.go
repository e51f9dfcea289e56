// Package pydeps turns the Requires-Dist of installed distributions into
// dependency relationships, the way an installer sees them: environment
// markers are evaluated for the target interpreter, a requirement behind
// an extra counts only when some dependent asks for that extra, and every
// requirement that is needed but not installed, or installed at a version
// outside its specifier, is reported.
package pydeps

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/pep508"
)

// Resolve returns DEPENDS_ON relationships among dists and the problems
// found. dists are in import order: when two share a name, the first one
// is the one that resolves requirements (it shadows the others).
func Resolve(dists []*inventory.Package, env pep508.Env) ([]inventory.Relationship, []inventory.Problem) {
	type node struct {
		pkg    *inventory.Package
		reqs   []pep508.Requirement
		extras map[string]bool
	}
	var problems []inventory.Problem
	byKey := map[string]*node{}
	var nodes []*node
	for _, p := range dists {
		if p.Python == nil {
			continue
		}
		key := pep503.Normalize(p.Name)
		if _, ok := byKey[key]; ok {
			continue
		}
		n := &node{pkg: p, extras: map[string]bool{}}
		for _, s := range p.Python.RequiresDist {
			r, err := pep508.Parse(s)
			if err != nil {
				problems = append(problems, inventory.Problem{Kind: inventory.BadRequirement, Package: p.ID,
					Message: fmt.Sprintf("Requires-Dist %q is not a valid requirement: %v", s, err)})
				continue
			}
			n.reqs = append(n.reqs, r)
		}
		byKey[key] = n
		nodes = append(nodes, n)
	}
	// active reports whether r applies to n, and under which extra.
	active := func(n *node, r pep508.Requirement) (bool, string) {
		if r.Marker == nil {
			return true, ""
		}
		e := pep508.Env{}
		for k, v := range env {
			e[k] = v
		}
		e["extra"] = ""
		if r.Marker.Evaluate(e) {
			return true, ""
		}
		extras := make([]string, 0, len(n.extras))
		for x := range n.extras {
			extras = append(extras, x)
		}
		sort.Strings(extras)
		for _, x := range extras {
			e["extra"] = x
			if r.Marker.Evaluate(e) {
				return true, x
			}
		}
		return false, ""
	}
	// Propagate requested extras to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, n := range nodes {
			for _, r := range n.reqs {
				if ok, _ := active(n, r); !ok {
					continue
				}
				t := byKey[r.Key()]
				if t == nil {
					continue
				}
				for _, x := range r.Extras {
					x = pep503.Normalize(x)
					if !t.extras[x] {
						t.extras[x] = true
						changed = true
					}
				}
			}
		}
	}
	var rels []inventory.Relationship
	for _, n := range nodes {
		for _, r := range n.reqs {
			ok, extra := active(n, r)
			if !ok {
				continue
			}
			via := ""
			if extra != "" {
				via = fmt.Sprintf(" (for its extra %q)", extra)
			}
			t := byKey[r.Key()]
			if t == nil {
				problems = append(problems, inventory.Problem{Kind: inventory.MissingDependency, Package: n.pkg.ID,
					Message: fmt.Sprintf("%s requires %s%s, which is not installed", n.pkg.Name, reqText(r), via)})
				continue
			}
			rels = append(rels, inventory.Relationship{From: n.pkg.ID, Type: inventory.DependsOn, To: t.pkg.ID})
			if len(r.Specifier.Specs) == 0 {
				continue
			}
			if _, err := pep440.Parse(t.pkg.Version); err != nil {
				problems = append(problems, inventory.Problem{Kind: inventory.VersionConflict, Package: n.pkg.ID,
					Message: fmt.Sprintf("%s requires %s%s; installed %s %q is not a PEP 440 version, so it cannot be checked", n.pkg.Name, reqText(r), via, t.pkg.Name, t.pkg.Version)})
				continue
			}
			if !r.Specifier.Contains(t.pkg.Version, nil, true) {
				problems = append(problems, inventory.Problem{Kind: inventory.VersionConflict, Package: n.pkg.ID,
					Message: fmt.Sprintf("%s requires %s%s, but %s %s is installed", n.pkg.Name, reqText(r), via, t.pkg.Name, t.pkg.Version)})
			}
		}
	}
	slices.SortFunc(rels, func(a, b inventory.Relationship) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return slices.Compact(rels), problems
}

func reqText(r pep508.Requirement) string {
	s := r.Name
	if len(r.Extras) > 0 {
		s += "[" + strings.Join(r.Extras, ",") + "]"
	}
	return s + r.Specifier.String()
}
