package inventory

// Nesting is how packages sit inside one another: a package another
// package (not the root, which holds everything) CONTAINS is carried by
// it, as pip carries its vendored certifi or a wheel its Rust crates. A
// package with two carriers sits in the first; the other edge, and an
// edge that would close a cycle of carriers, is left out.
type Nesting struct {
	Top      []int         // indices into Packages of the packages no package carries, in order
	Children map[int][]int // a carrier's packages, in inventory order
	// Nested are the CONTAINS edges the nesting shows.
	Nested map[Relationship]bool
}

// Nesting works out how inv's packages nest. Its cost is in proportion
// to the CONTAINS edges, beyond one pass over packages and relationships:
// a document of a million components none of which carries another costs
// little more than its list of top packages.
func (inv *Inventory) Nesting() Nesting {
	var contains []int // indices into Relationships of the edges between packages
	for k, r := range inv.Relationships {
		if r.Type == Contains && (inv.Root == nil || r.From != inv.Root.ID) {
			contains = append(contains, k)
		}
	}
	index := make(map[string]int, 2*len(contains)) // the packages the edges name
	for _, k := range contains {
		index[inv.Relationships[k].From], index[inv.Relationships[k].To] = -1, -1
	}
	if len(index) > 0 {
		for i, p := range inv.Packages {
			if _, named := index[p.ID]; named {
				index[p.ID] = i
			}
		}
	}
	parent := make([]int32, len(inv.Packages))
	for i := range parent {
		parent[i] = -1
	}
	edge := map[int]Relationship{} // a carried package's edge from its carrier
	for _, k := range contains {
		r := inv.Relationships[k]
		from, to := index[r.From], index[r.To]
		if from < 0 || to < 0 || from == to || parent[to] >= 0 {
			continue
		}
		parent[to], edge[to] = int32(from), r
	}
	// A package on a cycle of carriers is not carried: walking up from it
	// comes back to it. seen[j] == i+1 marks j as met on the walk from i.
	var seen []int32
	for i := range parent {
		if parent[i] < 0 {
			continue
		}
		if seen == nil {
			seen = make([]int32, len(parent))
		}
		for j := parent[i]; j >= 0 && seen[j] != int32(i+1); j = parent[j] {
			if int(j) == i {
				parent[i] = -1
				break
			}
			seen[j] = int32(i + 1)
		}
	}
	n := Nesting{Children: map[int][]int{}, Nested: map[Relationship]bool{}}
	for i, p := range parent {
		if p < 0 {
			n.Top = append(n.Top, i)
			continue
		}
		n.Children[int(p)] = append(n.Children[int(p)], i)
		n.Nested[edge[i]] = true
	}
	return n
}
