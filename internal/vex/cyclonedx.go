package vex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// cdxStatus maps CycloneDX impact analysis states to VEX statuses.
var cdxStatus = map[string]string{
	"not_affected":           NotAffected,
	"false_positive":         NotAffected,
	"resolved":               Fixed,
	"resolved_with_pedigree": Fixed,
	"exploitable":            Affected,
	"in_triage":              UnderInvestigation,
}

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref"`
	PURL       string         `json:"purl"`
	Components []cdxComponent `json:"components"`
}

// ReadCycloneDX reads the vulnerabilities of a CycloneDX BOM (1.4 or
// later) as VEX statements: one per vulnerability with an analysis
// state, its products the purls of the components its affects[] refs
// name (a ref that is itself a purl, or a BOM-Link, stands for itself).
func ReadCycloneDX(data []byte, name string) ([]Statement, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	var doc struct {
		BOMFormat string `json:"bomFormat"`
		Version   int    `json:"version"`
		Metadata  struct {
			Timestamp string        `json:"timestamp"`
			Component *cdxComponent `json:"component"`
		} `json:"metadata"`
		Components      []cdxComponent `json:"components"`
		Vulnerabilities []struct {
			ID         string `json:"id"`
			Updated    string `json:"updated"`
			References []struct {
				ID string `json:"id"`
			} `json:"references"`
			Analysis *struct {
				State         string   `json:"state"`
				Justification string   `json:"justification"`
				Detail        string   `json:"detail"`
				Response      []string `json:"response"`
				LastUpdated   string   `json:"lastUpdated"`
			} `json:"analysis"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
		} `json:"vulnerabilities"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	if doc.BOMFormat != "CycloneDX" {
		return nil, fmt.Errorf("%s: not a CycloneDX document (bomFormat %q)", name, doc.BOMFormat)
	}
	purls := map[string]string{}
	var walk func([]cdxComponent)
	walk = func(cs []cdxComponent) {
		for _, c := range cs {
			if c.BOMRef != "" && c.PURL != "" {
				purls[c.BOMRef] = c.PURL
			}
			walk(c.Components)
		}
	}
	if doc.Metadata.Component != nil {
		walk([]cdxComponent{*doc.Metadata.Component})
	}
	walk(doc.Components)
	docTime, docProblem := readTime("metadata.timestamp", doc.Metadata.Timestamp)
	var out []Statement
	for i, v := range doc.Vulnerabilities {
		if v.Analysis == nil || v.Analysis.State == "" {
			continue // a finding, not a statement
		}
		s := Statement{Vulnerability: v.ID, Justification: v.Analysis.Justification, ImpactStatement: v.Analysis.Detail,
			Source: fmt.Sprintf("%s#vulnerabilities[%d]", name, i), DocVersion: doc.Version}
		for _, r := range v.References {
			if r.ID != "" {
				s.Aliases = append(s.Aliases, r.ID)
			}
		}
		for _, a := range v.Affects {
			ref := a.Ref
			if j := strings.LastIndexByte(ref, '#'); strings.HasPrefix(ref, "urn:cdx:") && j >= 0 {
				ref = ref[j+1:] // a BOM-Link to a component of another BOM
			}
			if p := purls[ref]; p != "" {
				s.Products = append(s.Products, Product{PURL: p})
			} else if strings.HasPrefix(ref, "pkg:") {
				s.Products = append(s.Products, Product{PURL: ref})
			}
		}
		switch {
		case v.Analysis.LastUpdated != "":
			s.Timestamp, s.timeProblem = readTime("analysis.lastUpdated", v.Analysis.LastUpdated)
		case v.Updated != "":
			s.Timestamp, s.timeProblem = readTime("updated", v.Updated)
		default:
			s.Timestamp, s.timeProblem = docTime, docProblem
		}
		status, known := cdxStatus[v.Analysis.State]
		s.Status = status
		if v.Analysis.State == "false_positive" && s.ImpactStatement == "" {
			s.ImpactStatement = "false positive"
		}
		if s.Status == Affected && len(v.Analysis.Response) > 0 {
			s.ActionStatement = "response: " + strings.Join(v.Analysis.Response, ", ")
		}
		switch {
		case s.Vulnerability == "":
			s.Invalid = "no vulnerability id"
		case len(s.Products) == 0:
			s.Invalid = "affects no component with a purl"
		case !known:
			s.Invalid = fmt.Sprintf("unknown analysis state %q", v.Analysis.State)
		case s.Status == NotAffected && s.Justification == "" && s.ImpactStatement == "":
			s.Invalid = "not_affected without a justification or detail"
		default:
			s.Invalid = s.badProduct()
		}
		out = append(out, s)
	}
	return out, nil
}

// Read reads a VEX document, OpenVEX, CycloneDX or CSAF, telling them
// apart by content.
func Read(data []byte, name string) ([]Statement, error) {
	var probe struct {
		Context   any    `json:"@context"`
		BOMFormat string `json:"bomFormat"`
		Document  *struct {
			CSAFVersion string `json:"csaf_version"`
		} `json:"document"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		return ReadCycloneDX(data, name)
	case probe.Document != nil && probe.Document.CSAFVersion != "":
		return ReadCSAF(data, name)
	}
	return ReadOpenVEX(data, name)
}
