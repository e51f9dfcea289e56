package scan

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Carrier is the package a finding's component is carried in: pip for
// its vendored certifi, CPython for the pip wheel its ensurepip bundles,
// cryptography for the crates and C libraries compiled into it. The fix
// is then an upgrade of the carrier, not of the component.
type Carrier struct {
	Component string `json:"component"` // inventory ID
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl,omitempty"`
	// Through names the carriers in between, innermost first: "pip
	// 23.2.1" for the urllib3 that the pip ensurepip bundles vendors.
	Through []string `json:"through,omitempty"`
}

// carriers maps every carried package's ID to its carriers, innermost
// first, up to the outermost below the root and below any distro package:
// what a user installs and upgrades. What a distro package holds directly
// is its own, not carried (distroOwned).
func carriers(inv *inventory.Inventory) map[string][]*inventory.Package {
	n := inv.Nesting()
	parent := map[int]int{}
	for p, kids := range n.Children {
		for _, k := range kids {
			parent[k] = p
		}
	}
	out := map[string][]*inventory.Package{}
	for i, p := range inv.Packages {
		for j, ok := parent[i]; ok && !isDistro(inv.Packages[j]); j, ok = parent[j] {
			out[p.ID] = append(out[p.ID], inv.Packages[j])
		}
	}
	return out
}

// isDistro: a package manager's package (an OS distribution's, or
// conda's). What it holds it installed, not carried.
func isDistro(p *inventory.Package) bool {
	return p.Kind == inventory.KindOSPackage || strings.HasPrefix(p.PURL, "pkg:deb/") ||
		strings.HasPrefix(p.PURL, "pkg:rpm/") || strings.HasPrefix(p.PURL, "pkg:apk/") || strings.HasPrefix(p.PURL, "pkg:conda/")
}

// isOSDistro: a package of an operating system's distribution, whose
// advisories and changelog decide a finding on what it ships.
func isOSDistro(p *inventory.Package) bool {
	return isDistro(p) && !strings.HasPrefix(p.PURL, "pkg:conda/")
}

// carry says of f that its component p is carried in chain (innermost
// first), and turns the advice into one the user can follow: "upgrade
// pip, which vendors certifi 2023.5.7; certifi is fixed in 2023.7.22".
// Which release of the carrier carries a fixed copy is not in an advisory
// database, so it is not claimed.
func carry(f *Finding, p *inventory.Package, chain []*inventory.Package) {
	outer := chain[len(chain)-1]
	f.Carrier = &Carrier{Component: outer.ID, Name: outer.Name, Version: outer.Version, PURL: outer.PURL}
	f.Labels = append(f.Labels, "carried")
	// "CPython, which bundles pip 23.2.1, which vendors urllib3 1.26.16"
	held, what := p, p.Name+" "+f.Version
	for i, c := range chain {
		name := c.Name
		if i < len(chain)-1 {
			name = strings.TrimSpace(c.Name + " " + c.Version)
			f.Carrier.Through = append(f.Carrier.Through, name)
		}
		what = fmt.Sprintf("%s, which %s %s", name, verb(c, held), what)
		held = c
	}
	var fix string
	switch {
	case strings.HasPrefix(f.Fixed, "commit "):
		fix = fmt.Sprintf("%s is fixed in a release that contains %s", p.Name, f.Fixed)
	case f.Fixed != "":
		fix = fmt.Sprintf("%s is fixed in %s", p.Name, f.Fixed)
	case f.lastAffected != "":
		fix = fmt.Sprintf("no fix of %s is known (last affected %s)", p.Name, f.lastAffected)
	default:
		fix = fmt.Sprintf("no fix of %s is known", p.Name)
	}
	f.Advice = fmt.Sprintf("upgrade %s; %s", what, fix)
}

// verb says how carrier c holds p: a PyPI project vendors another, an
// interpreter or any other carrier bundles a PyPI project, and anything
// else (a crate, a C library) is contained.
func verb(c, p *inventory.Package) string {
	pypi := func(q *inventory.Package) bool { return strings.HasPrefix(q.PURL, "pkg:pypi/") }
	switch {
	case pypi(p) && pypi(c):
		return "vendors"
	case pypi(p):
		return "bundles"
	}
	return "contains"
}
