package cyclonedx

import "github.com/pysbom/pysbom/internal/inventory"

// tree is how the packages nest in the document: a package CONTAINED by
// another package (not the root: the document's components are the root's
// already) is a component of that carrier, CycloneDX's assembly, and the
// edge is not repeated in the dependency graph. A package with two
// carriers nests in the first; the other edge, and any edge that would
// make a cycle of nesting, stays in the graph.
type tree struct {
	top      []int         // indices of top-level packages, in inventory order
	children map[int][]int // a carrier's nested packages, in inventory order
	nested   map[inventory.Relationship]bool
}

func nesting(inv *inventory.Inventory) tree {
	index := make(map[string]int, len(inv.Packages))
	for i, p := range inv.Packages {
		index[p.ID] = i
	}
	parent := make([]int, len(inv.Packages))
	for i := range parent {
		parent[i] = -1
	}
	edge := make([]inventory.Relationship, len(inv.Packages))
	for _, r := range inv.Relationships {
		if r.Type != inventory.Contains || inv.Root != nil && r.From == inv.Root.ID {
			continue
		}
		from, ok1 := index[r.From]
		to, ok2 := index[r.To]
		if !ok1 || !ok2 || from == to || parent[to] >= 0 {
			continue
		}
		parent[to], edge[to] = from, r
	}
	// A package on a cycle of carriers is top-level: walking up from it
	// comes back to it.
	for i := range parent {
		seen := map[int]bool{}
		for j := parent[i]; j >= 0 && !seen[j]; j = parent[j] {
			if j == i {
				parent[i] = -1
				break
			}
			seen[j] = true
		}
	}
	t := tree{children: map[int][]int{}, nested: map[inventory.Relationship]bool{}}
	for i, p := range parent {
		if p < 0 {
			t.top = append(t.top, i)
			continue
		}
		t.children[p] = append(t.children[p], i)
		t.nested[edge[i]] = true
	}
	return t
}
