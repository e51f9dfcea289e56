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

// Nesting works out how inv's packages nest.
func (inv *Inventory) Nesting() Nesting {
	index := make(map[string]int, len(inv.Packages))
	for i, p := range inv.Packages {
		index[p.ID] = i
	}
	parent := make([]int, len(inv.Packages))
	for i := range parent {
		parent[i] = -1
	}
	edge := make([]Relationship, len(inv.Packages))
	for _, r := range inv.Relationships {
		if r.Type != Contains || inv.Root != nil && r.From == inv.Root.ID {
			continue
		}
		from, ok1 := index[r.From]
		to, ok2 := index[r.To]
		if !ok1 || !ok2 || from == to || parent[to] >= 0 {
			continue
		}
		parent[to], edge[to] = from, r
	}
	// A package on a cycle of carriers is not carried: walking up from it
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
	n := Nesting{Children: map[int][]int{}, Nested: map[Relationship]bool{}}
	for i, p := range parent {
		if p < 0 {
			n.Top = append(n.Top, i)
			continue
		}
		n.Children[p] = append(n.Children[p], i)
		n.Nested[edge[i]] = true
	}
	return n
}
