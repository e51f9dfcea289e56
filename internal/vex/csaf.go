package vex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// csafStatus maps CSAF product_status categories to VEX statuses; the
// other categories (first_affected, recommended, ...) make no statement.
var csafStatus = map[string]string{
	"known_not_affected":  NotAffected,
	"fixed":               Fixed,
	"known_affected":      Affected,
	"under_investigation": UnderInvestigation,
}

type csafProduct struct {
	Name      string `json:"name"`
	ProductID string `json:"product_id"`
	Helper    *struct {
		PURL string `json:"purl"`
		CPE  string `json:"cpe"`
	} `json:"product_identification_helper"`
}

type csafBranch struct {
	Product  *csafProduct `json:"product"`
	Branches []csafBranch `json:"branches"`
}

// ReadCSAF reads a CSAF 2.0 document's vulnerabilities as VEX statements,
// one per vulnerability, status and product. Products are named by the
// purl of their product_identification_helper; a product that is a
// default_component_of another becomes that product's subcomponent. A
// product without a purl cannot match a component and its statement is
// marked so; known_not_affected without an impact statement (a flag or
// an impact threat), and known_affected without a remediation, break the
// CSAF VEX profile and are marked invalid.
func ReadCSAF(data []byte, name string) ([]Statement, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	var doc csafDocument
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	if doc.Document.CSAFVersion == "" {
		return nil, fmt.Errorf("%s: not a CSAF document (no document.csaf_version)", name)
	}
	tree := doc.ProductTree.index()
	docTime, docProblem := readTime("tracking.current_release_date", doc.Document.Tracking.CurrentReleaseDate)
	// tracking.version is an integer or a semantic version; its major
	// part orders documents.
	docVersion, _ := strconv.Atoi(strings.SplitN(doc.Document.Tracking.Version, ".", 2)[0])
	var out []Statement
	for i, v := range doc.Vulnerabilities {
		id, aliases := v.names()
		cats := make([]string, 0, len(v.ProductStatus))
		for c := range v.ProductStatus {
			cats = append(cats, c)
		}
		sort.Strings(cats)
		for _, cat := range cats {
			status, ok := csafStatus[cat]
			if !ok {
				continue
			}
			for _, pid := range v.ProductStatus[cat] {
				s := Statement{Vulnerability: id, Aliases: aliases, Status: status, Timestamp: docTime, timeProblem: docProblem, DocVersion: docVersion,
					Source: fmt.Sprintf("%s#vulnerabilities[%d].product_status.%s[%s]", name, i, cat, pid), Products: tree.products(pid)}
				v.about(&s, pid)
				s.Invalid = csafInvalid(s, id, pid)
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// The parts of a CSAF 2.0 document that VEX reads.
type (
	csafDocument struct {
		Document struct {
			CSAFVersion string `json:"csaf_version"`
			Tracking    struct {
				CurrentReleaseDate string `json:"current_release_date"`
				Version            string `json:"version"`
			} `json:"tracking"`
		} `json:"document"`
		ProductTree     csafProductTree     `json:"product_tree"`
		Vulnerabilities []csafVulnerability `json:"vulnerabilities"`
	}
	csafProductTree struct {
		Branches         []csafBranch       `json:"branches"`
		FullProductNames []csafProduct      `json:"full_product_names"`
		Relationships    []csafRelationship `json:"relationships"`
	}
	csafRelationship struct {
		Category        string      `json:"category"`
		ProductRef      string      `json:"product_reference"`
		RelatesTo       string      `json:"relates_to_product_reference"`
		FullProductName csafProduct `json:"full_product_name"`
	}
	csafVulnerability struct {
		CVE string `json:"cve"`
		IDs []struct {
			Text string `json:"text"`
		} `json:"ids"`
		ProductStatus map[string][]string `json:"product_status"`
		Flags         []struct {
			Label      string   `json:"label"`
			ProductIDs []string `json:"product_ids"`
		} `json:"flags"`
		Threats      []csafNote `json:"threats"`
		Remediations []csafNote `json:"remediations"`
	}
	csafNote struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	}
)

// csafTree is a product tree indexed: each product ID's purl, and the
// products that are a component inside another product.
type csafTree struct {
	purl   map[string]string
	within map[string]struct{ product, component string }
}

func (t csafProductTree) index() csafTree {
	tree := csafTree{purl: map[string]string{}, within: map[string]struct{ product, component string }{}}
	add := func(p *csafProduct) {
		if p != nil && p.ProductID != "" && p.Helper != nil && p.Helper.PURL != "" {
			tree.purl[p.ProductID] = p.Helper.PURL
		}
	}
	var walk func([]csafBranch)
	walk = func(bs []csafBranch) {
		for _, b := range bs {
			add(b.Product)
			walk(b.Branches)
		}
	}
	walk(t.Branches)
	for i := range t.FullProductNames {
		add(&t.FullProductNames[i])
	}
	// A relationship's product is its component inside another product.
	for _, r := range t.Relationships {
		add(&r.FullProductName)
		if r.Category == "default_component_of" || r.Category == "installed_on" || r.Category == "optional_component_of" {
			tree.within[r.FullProductName.ProductID] = struct{ product, component string }{r.RelatesTo, r.ProductRef}
		}
	}
	return tree
}

// products are what a statement about product pid speaks for.
func (t csafTree) products(pid string) []Product {
	if p, ok := t.within[pid]; ok && t.purl[pid] == "" && t.purl[p.component] != "" {
		if t.purl[p.product] != "" {
			return []Product{{PURL: t.purl[p.product], Subcomponents: []string{t.purl[p.component]}}}
		}
		// A platform named by CPE only: the statement is about the component.
		return []Product{{PURL: t.purl[p.component]}}
	}
	if t.purl[pid] != "" {
		return []Product{{PURL: t.purl[pid]}}
	}
	return nil
}

// names are the vulnerability's ID (its CVE, else its first ID) and its
// other IDs.
func (v csafVulnerability) names() (id string, aliases []string) {
	id = v.CVE
	for _, x := range v.IDs {
		if id == "" {
			id = x.Text
		} else if x.Text != "" && x.Text != id {
			aliases = append(aliases, x.Text)
		}
	}
	return id, aliases
}

// about fills what the vulnerability says of product pid: the
// justification (its flag), the impact (its threats) and the action (its
// remediations).
func (v csafVulnerability) about(s *Statement, pid string) {
	for _, f := range v.Flags {
		if slices.Contains(f.ProductIDs, pid) && s.Justification == "" {
			s.Justification = f.Label
		}
	}
	var impacts, actions []string
	for _, t := range v.Threats {
		if t.Category == "impact" && slices.Contains(t.ProductIDs, pid) {
			impacts = append(impacts, t.Details)
		}
	}
	for _, r := range v.Remediations {
		if slices.Contains(r.ProductIDs, pid) {
			actions = append(actions, r.Category+": "+r.Details)
		}
	}
	s.ImpactStatement, s.ActionStatement = strings.Join(impacts, " "), strings.Join(actions, " ")
}

// csafInvalid says why a statement read from CSAF cannot be applied.
func csafInvalid(s Statement, id, pid string) string {
	switch {
	case id == "":
		return "no cve or ids"
	case s.Status == NotAffected && s.Justification == "" && s.ImpactStatement == "":
		return "known_not_affected without a flag or an impact threat"
	case s.Status == Affected && s.ActionStatement == "":
		return "known_affected without a remediation"
	case len(s.Products) == 0:
		return fmt.Sprintf("product %s has no purl", pid)
	}
	return s.badProduct()
}
