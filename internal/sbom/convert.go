package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
)

// Loss is something of a document that a conversion does not carry, or
// carries only as a property: where it was and how many values.
type Loss struct {
	Field   string `json:"field"` // "packages[].copyrightText", "annotations"
	Count   int    `json:"count"`
	Carried string `json:"carried,omitempty"` // how it is kept instead, if it is
}

// Convert reads a document of any format pysbom reads for writing in
// another: it returns the inventory, ready for the target format, and
// everything the inventory does not carry. A document that describes no
// package gets a root named after the file, which CONTAINS the packages
// nothing else contains. Relationship types CycloneDX has no place for
// are kept as properties of the component they start from.
func Convert(data []byte, name, to string) (*inventory.Inventory, []Loss, error) {
	inv, from, err := Decode(data)
	if err != nil {
		return nil, nil, err
	}
	var losses []Loss
	raw := data
	if from == "spdx" && spdx.IsTagValue(data) {
		doc, err := spdx.TagValueToJSON(bytes.NewReader(data))
		if err == nil {
			raw, _ = json.Marshal(doc)
		}
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) == nil {
		if from == "spdx" {
			losses = spdxLosses(doc)
		} else {
			losses = cyclonedxLosses(doc)
		}
	}
	if from == "cyclonedx" && inv.Root != nil {
		n := 0
		for _, r := range inv.Relationships {
			if r.From == inv.Root.ID && r.Type == inventory.DependsOn {
				n++
			}
		}
		if n > 0 {
			losses = append(losses, Loss{Field: "metadata.component's dependencies", Count: n,
				Carried: "as DEPENDS_ON (CycloneDX does not tell what the subject contains from what it depends on)"})
		}
	}
	if inv.Root == nil {
		addRoot(inv, name)
		losses = append(losses, Loss{Field: "the document describes no package", Count: 1, Carried: "a root named " + inv.Root.Name + " contains the top-level packages"})
	}
	if strings.HasPrefix(to, "cyclonedx") {
		if n := relationshipsAsProperties(inv); len(n) > 0 {
			for _, typ := range sortedKeys(n) {
				losses = append(losses, Loss{Field: "relationships " + typ, Count: n[typ], Carried: "as " + inventory.PropRelationship + " properties"})
			}
		}
	}
	return inv, losses, nil
}

// addRoot gives an inventory without one a root that contains every
// package nothing else contains.
func addRoot(inv *inventory.Inventory, name string) {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	root := &inventory.Package{ID: "document-root", Kind: inventory.KindCollection, Name: base, Extra: &inventory.Extra{Summary: "the packages of " + filepath.Base(name)}}
	contained := map[string]bool{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.Contains {
			contained[r.To] = true
		}
	}
	for _, p := range inv.Packages {
		if !contained[p.ID] {
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.Contains, To: p.ID})
		}
	}
	inv.Root = root
}

// relationshipsAsProperties keeps the relationships CycloneDX has no
// place for (anything but DEPENDS_ON and CONTAINS) as properties of the
// component they start from, and counts them by type.
func relationshipsAsProperties(inv *inventory.Inventory) map[string]int {
	byID := map[string]*inventory.Package{}
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		byID[p.ID] = p
	}
	counts := map[string]int{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn || r.Type == inventory.Contains {
			continue
		}
		from, to := byID[r.From], byID[r.To]
		if from == nil || to == nil {
			continue
		}
		target := to.PURL
		if target == "" {
			target = strings.TrimSpace(to.Name + " " + to.Version)
		}
		from.Properties = append(from.Properties, inventory.Property{Name: inventory.PropRelationship, Value: string(r.Type) + " " + target})
		counts[string(r.Type)]++
	}
	return counts
}

// spdxCarried are the fields of an SPDX package the inventory keeps.
var spdxCarried = map[string]bool{"SPDXID": true, "name": true, "versionInfo": true, "supplier": true, "originator": true,
	"downloadLocation": true, "homepage": true, "licenseDeclared": true, "licenseConcluded": true, "checksums": true,
	"externalRefs": true, "hasFiles": true, "summary": true, "description": true, "primaryPackagePurpose": true,
	"filesAnalyzed": true, "packageVerificationCode": true, "licenseInfoFromFiles": true}

// spdxLosses lists what of an SPDX document the inventory does not keep.
func spdxLosses(doc map[string]any) []Loss {
	counts := map[string]int{}
	for _, p := range asList(doc["packages"]) {
		pm, _ := p.(map[string]any)
		for k, v := range pm {
			if !spdxCarried[k] && present(v) {
				counts["packages[]."+k]++
			}
		}
		for _, r := range asList(pm["externalRefs"]) {
			rm, _ := r.(map[string]any)
			if t, _ := rm["referenceType"].(string); t != "purl" && t != "cpe23Type" && t != "cpe22Type" {
				counts["packages[].externalRefs "+t]++
			}
		}
	}
	for _, f := range asList(doc["files"]) {
		fm, _ := f.(map[string]any)
		for k, v := range fm {
			if k != "SPDXID" && k != "fileName" && k != "checksums" && present(v) {
				counts["files[]."+k]++
			}
		}
	}
	for _, k := range []string{"snippets", "annotations", "hasExtractedLicensingInfos", "externalDocumentRefs"} {
		if n := len(asList(doc[k])); n > 0 {
			counts[k] += n
		}
	}
	return lossList(counts)
}

// cyclonedxCarried are the fields of a CycloneDX component the inventory
// keeps.
var cyclonedxCarried = map[string]bool{"bom-ref": true, "type": true, "name": true, "version": true, "description": true, "purl": true,
	"cpe": true, "supplier": true, "manufacturer": true, "publisher": true, "author": true, "authors": true, "licenses": true,
	"hashes": true, "externalReferences": true, "properties": true, "components": true, "group": true, "scope": true}

// cyclonedxLosses lists what of a CycloneDX document the inventory does
// not keep.
func cyclonedxLosses(doc map[string]any) []Loss {
	counts := map[string]int{}
	var walk func(cs []any)
	walk = func(cs []any) {
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			for k, v := range cm {
				if !cyclonedxCarried[k] && present(v) {
					counts["components[]."+k]++
				}
			}
			walk(asList(cm["components"]))
		}
	}
	walk(asList(doc["components"]))
	for _, k := range []string{"services", "vulnerabilities", "compositions", "annotations", "formulation", "declarations", "definitions"} {
		if n := len(asList(doc[k])); n > 0 {
			counts[k] += n
		}
	}
	return lossList(counts)
}

func lossList(counts map[string]int) []Loss {
	var out []Loss
	for _, k := range sortedKeys(counts) {
		out = append(out, Loss{Field: k, Count: counts[k]})
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// present reports whether a value says something: not null, empty or
// NOASSERTION.
func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != "" && v != "NOASSERTION" && v != "NONE"
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// String says it in a line: "packages[].copyrightText: 5 values not carried".
func (l Loss) String() string {
	if l.Carried != "" {
		return fmt.Sprintf("%s: %d, carried %s", l.Field, l.Count, l.Carried)
	}
	return fmt.Sprintf("%s: %d not carried", l.Field, l.Count)
}
