package extract

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// unknownSuppliers reports every component, the root included, whose
// supplier nothing names. pysbom does not fill the gap with a guess (the
// owner of a folder or file, a vendored copy's carrier): the SBOM says
// NOASSERTION, and this problem says why, so that the NTIA report's
// missing suppliers are explained.
func unknownSuppliers(inv *inventory.Inventory) {
	reported := map[string]bool{}
	for _, p := range inv.Problems {
		if p.Kind == inventory.NoSupplier {
			reported[p.Package] = true
		}
	}
	add := func(p *inventory.Package, why string) {
		if p.Supplier.IsZero() && !reported[p.ID] {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.NoSupplier, Package: p.ID,
				Message: fmt.Sprintf("%s %s: %s", p.Name, orUnknownVersion(p.Version), why)})
		}
	}
	if inv.Root != nil {
		add(inv.Root, "who supplies it is not known (the owner of its folder or file is not taken for it); give --supplier")
	}
	for _, p := range inv.Packages {
		if carrier, _, carried := strings.Cut(p.ID, ">"); carried {
			name := carrier
			if c := inv.Find(carrier); c != nil {
				name = c.Name
			}
			add(p, fmt.Sprintf("inside %s, it names no supplier of its own, and %s's is not assumed", name, name))
			continue
		}
		switch p.Kind {
		case inventory.KindDistribution:
			add(p, "its metadata names no maintainer or author, and no known code host")
		case inventory.KindLibrary:
			add(p, "nothing names who supplies it (no distro package installed it, and no SBOM names one)")
		default:
			add(p, "nothing names who supplies it")
		}
	}
}

func orUnknownVersion(v string) string {
	if v == "" {
		return "(version unknown)"
	}
	return v
}
