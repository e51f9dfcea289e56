package extract

import (
	"maps"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/inventory"
)

// maxChangelogCVEs bounds the CVEs a changelog property carries.
const maxChangelogCVEs = 2000

// changelogs records, on each Debian package of the root that ships a
// Python distribution, what its own changelog (in the root, never the
// host's) says it fixed: "VERSION: CVE=ENTRY ..." (PropDistroChangelog).
// A scan decides from it whether a PyPI advisory's fix was backported.
func (r Root) changelogs(inv *inventory.Inventory) {
	byID := map[string]*inventory.Package{}
	for _, p := range inv.Packages {
		byID[p.ID] = p
	}
	done := map[string]bool{}
	for _, rel := range inv.Relationships {
		from, to := byID[rel.From], byID[rel.To]
		if rel.Type != inventory.Contains || from == nil || to == nil || done[from.ID] ||
			from.Kind != inventory.KindOSPackage || !strings.HasPrefix(from.PURL, "pkg:deb/") || !strings.HasPrefix(to.PURL, "pkg:pypi/") {
			continue
		}
		done[from.ID] = true
		c, err := dpkg.ReadChangelogFS(r.Tree, from.Name)
		if err != nil || c.Version == "" {
			continue
		}
		cves := slices.Sorted(maps.Keys(c.Fixed))
		var b strings.Builder
		b.WriteString(c.Version + ":")
		for i, cve := range cves {
			if i == maxChangelogCVEs {
				break
			}
			b.WriteString(" " + cve + "=" + c.Fixed[cve])
		}
		from.Properties = append(from.Properties, inventory.Property{Name: inventory.PropDistroChangelog, Value: b.String()})
	}
}
