// Package ntia checks, in tests, the NTIA minimum elements the way the
// SPDX NTIA conformance checker (SPDX) and sbomqs (CycloneDX) do, with the
// stricter reading where they differ: a component's unique identifier is
// a purl or CPE, not an SPDXID alone. The validate command will own the
// full implementation; this is the tests' independent oracle.
package ntia

import (
	"encoding/json"
	"fmt"
)

// SPDX returns the NTIA failures of an SPDX 2.x JSON document.
func SPDX(doc []byte) ([]string, error) {
	var d struct {
		CreationInfo struct {
			Created  string   `json:"created"`
			Creators []string `json:"creators"`
		} `json:"creationInfo"`
		Packages []struct {
			SPDXID, Name, VersionInfo, Supplier string
			ExternalRefs                        []struct{ ReferenceType string } `json:"externalRefs"`
		} `json:"packages"`
		Relationships []struct {
			Element string `json:"spdxElementId"`
			Type    string `json:"relationshipType"`
			Related string `json:"relatedSpdxElement"`
		} `json:"relationships"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var fails []string
	if d.CreationInfo.Created == "" {
		fails = append(fails, "document: no creation timestamp")
	}
	if len(d.CreationInfo.Creators) == 0 {
		fails = append(fails, "document: no creators (author)")
	}
	pkgs := map[string]bool{}
	for _, p := range d.Packages {
		pkgs[p.SPDXID] = true
		id := p.SPDXID + " (" + p.Name + ")"
		if p.Name == "" {
			fails = append(fails, id+": no name")
		}
		if p.VersionInfo == "" {
			fails = append(fails, id+": no version")
		}
		if p.Supplier == "" || p.Supplier == "NOASSERTION" {
			fails = append(fails, id+": no supplier")
		}
		uid := false
		for _, r := range p.ExternalRefs {
			if r.ReferenceType == "purl" || r.ReferenceType == "cpe23Type" || r.ReferenceType == "swid" {
				uid = true
			}
		}
		if !uid {
			fails = append(fails, id+": no purl, CPE or SWID")
		}
	}
	describes, deps := false, false
	for _, r := range d.Relationships {
		if r.Element == "SPDXRef-DOCUMENT" && r.Type == "DESCRIBES" && pkgs[r.Related] {
			describes = true
		}
		if r.Type == "DEPENDS_ON" || r.Type == "CONTAINS" {
			deps = true
		}
	}
	if !describes {
		fails = append(fails, "document: no DESCRIBES relationship to a package")
	}
	if !deps {
		fails = append(fails, "document: no dependency relationships")
	}
	return fails, nil
}

// CycloneDX returns the NTIA failures of a CycloneDX JSON document.
func CycloneDX(doc []byte) ([]string, error) {
	type comp struct {
		BOMRef   string `json:"bom-ref"`
		Type     string `json:"type"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		PURL     string `json:"purl"`
		CPE      string `json:"cpe"`
		Supplier *struct {
			Name string `json:"name"`
		} `json:"supplier"`
		Components []comp `json:"components"` // nested: what it carries, and its files
	}
	var d struct {
		Metadata struct {
			Timestamp string            `json:"timestamp"`
			Tools     json.RawMessage   `json:"tools"`
			Authors   []json.RawMessage `json:"authors"`
			Component *comp             `json:"component"`
		} `json:"metadata"`
		Components   []comp `json:"components"`
		Dependencies []struct {
			Ref       string   `json:"ref"`
			DependsOn []string `json:"dependsOn"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var fails []string
	if d.Metadata.Timestamp == "" {
		fails = append(fails, "document: no timestamp")
	}
	if len(d.Metadata.Authors) == 0 && len(d.Metadata.Tools) == 0 {
		fails = append(fails, "document: no authors or tools")
	}
	if d.Metadata.Component == nil {
		fails = append(fails, "document: no primary component")
	}
	var all []comp
	var walk func(cs []comp)
	walk = func(cs []comp) {
		for _, c := range cs {
			if c.Type != "file" {
				all = append(all, c)
			}
			walk(c.Components)
		}
	}
	walk(d.Components)
	if d.Metadata.Component != nil {
		all = append(all, *d.Metadata.Component)
	}
	for _, c := range all {
		id := fmt.Sprintf("%s (%s)", c.BOMRef, c.Name)
		if c.Name == "" {
			fails = append(fails, id+": no name")
		}
		if c.Version == "" {
			fails = append(fails, id+": no version")
		}
		if c.Supplier == nil || c.Supplier.Name == "" {
			fails = append(fails, id+": no supplier")
		}
		if c.PURL == "" && c.CPE == "" {
			fails = append(fails, id+": no purl or CPE")
		}
	}
	deps := false
	for _, dep := range d.Dependencies {
		if len(dep.DependsOn) > 0 {
			deps = true
		}
	}
	if !deps {
		fails = append(fails, "document: no dependency relationships")
	}
	return fails, nil
}

// Unexplained returns the failures other than missing suppliers, and
// checks that the missing suppliers are as many as the components the
// SBOM itself reports with a no-supplier problem (explained): pysbom
// leaves a supplier it cannot prove as NOASSERTION and says so.
func Unexplained(fails []string, explained int) []string {
	var out []string
	missing := 0
	for _, f := range fails {
		if len(f) > len(": no supplier") && f[len(f)-len(": no supplier"):] == ": no supplier" {
			missing++
			continue
		}
		out = append(out, f)
	}
	if missing != explained {
		out = append(out, fmt.Sprintf("%d components lack a supplier, %d no-supplier problems explain it", missing, explained))
	}
	return out
}
