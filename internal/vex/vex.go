// Package vex reads VEX statements and applies them to scan findings.
//
// # Subset
//
// OpenVEX v0.2.0 (and the v0.0.1 shapes: a vulnerability as a string,
// products as purl strings, subcomponents beside the products), CycloneDX
// VEX (vulnerabilities with an analysis) and CSAF 2.0 (the csaf_vex
// profile's product statuses).
//
// # Rules
//
//   - A statement matches a finding when its vulnerability name, @id or
//     one of its aliases equals the finding's ID or one of its aliases.
//   - Products and subcomponents match components by purl: type,
//     namespace and name equal (PyPI names in PEP 503 form); a statement
//     purl without version matches every version, with one it must be
//     equal (PEP 440 equality for PyPI); its qualifiers must be a subset
//     of the component's.
//   - Per product and vulnerability, the latest statement wins (its own
//     timestamp, else the document's).
//   - not_affected and fixed suppress; affected and under_investigation
//     annotate. A not_affected statement without justification or impact
//     statement is invalid and not applied.
//   - A finding on component C is suppressed only when every path from the
//     SBOM's root to C passes through a product whose statement covers it.
//   - A statement speaks for (product, subcomponent) pairs exactly as
//     written: each product carries its own subcomponents, and no reader,
//     merge or writer pairs a product with another product's
//     subcomponents.
package vex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Status values.
const (
	NotAffected        = "not_affected"
	Affected           = "affected"
	Fixed              = "fixed"
	UnderInvestigation = "under_investigation"
)

// MaxSize bounds a VEX document.
const MaxSize = 64 << 20

// Statement is one VEX statement.
type Statement struct {
	Vulnerability   string   // name or @id
	Aliases         []string // the vulnerability's other names
	Products        []Product
	Status          string
	Justification   string
	ImpactStatement string
	ActionStatement string
	Timestamp       time.Time
	DocVersion      int    // the document's version, which breaks timestamp ties
	Source          string // file the statement came from
	// Invalid says why the statement is not applied, "" when it is valid.
	Invalid string
	// timeProblem says what is wrong with the statement's time, if anything.
	timeProblem string
}

// Product is what a statement speaks for: a component named by its purl
// and, when the statement is about parts of it only, those parts.
type Product struct {
	PURL          string
	Subcomponents []string // purls; empty covers everything in the product
}

// supersedes reports whether s decides over cur for the same product:
// it is later, or as late from a document of a version at least as
// high (so of two equal statements the one given later wins).
func (s *Statement) supersedes(cur *Statement) bool {
	if !s.Timestamp.Equal(cur.Timestamp) {
		return s.Timestamp.After(cur.Timestamp)
	}
	return s.DocVersion >= cur.DocVersion
}

// IDs returns the vulnerability's names.
func (s Statement) IDs() []string { return append([]string{s.Vulnerability}, s.Aliases...) }

// Document is an OpenVEX document.
type Document struct {
	ID, Author, Tooling string
	Version             int
	Timestamp           time.Time
	Statements          []Statement
}

// ReadOpenVEX reads an OpenVEX document's statements. Statements that
// break the spec are returned with Invalid set; a document that is not
// OpenVEX is an error.
func ReadOpenVEX(data []byte, name string) ([]Statement, error) {
	d, err := ReadOpenVEXDocument(data, name)
	if err != nil {
		return nil, err
	}
	return d.Statements, nil
}

// ReadOpenVEXDocument reads an OpenVEX document.
func ReadOpenVEXDocument(data []byte, name string) (*Document, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	var doc struct {
		Context    any               `json:"@context"`
		ID         string            `json:"@id"`
		Author     string            `json:"author"`
		Tooling    string            `json:"tooling"`
		Version    json.RawMessage   `json:"version"` // a string in v0.0.1
		Timestamp  string            `json:"timestamp"`
		Statements []json.RawMessage `json:"statements"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	ctx := fmt.Sprint(doc.Context)
	if !strings.Contains(ctx, "openvex") {
		return nil, fmt.Errorf("%s: not an OpenVEX document (no openvex @context)", name)
	}
	docTime, docProblem := readTime("the document's timestamp", doc.Timestamp)
	d := &Document{ID: doc.ID, Author: doc.Author, Tooling: doc.Tooling, Timestamp: docTime}
	d.Version, _ = strconv.Atoi(strings.Trim(string(doc.Version), `"`))
	var out []Statement
	for i, raw := range doc.Statements {
		s, err := statement(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: statements[%d]: %v", name, i, err)
		}
		s.Source = fmt.Sprintf("%s#statements[%d]", name, i)
		if s.Timestamp.IsZero() && s.timeProblem == "" {
			s.Timestamp, s.timeProblem = docTime, docProblem
		}
		switch {
		case s.Vulnerability == "":
			s.Invalid = "no vulnerability"
		case len(s.Products) == 0:
			s.Invalid = "no products"
		case s.Status != NotAffected && s.Status != Affected && s.Status != Fixed && s.Status != UnderInvestigation:
			s.Invalid = fmt.Sprintf("unknown status %q", s.Status)
		case s.Status == NotAffected && s.Justification == "" && s.ImpactStatement == "":
			s.Invalid = "not_affected without a justification or an impact statement"
		default:
			s.Invalid = s.badProduct()
		}
		out = append(out, s)
	}
	for i := range out {
		out[i].DocVersion = d.Version
	}
	d.Statements = out
	return d, nil
}

// maxSkew is how far in the future a statement's time may be (clocks
// differ); a later one would win over every honest statement for ever.
const maxSkew = 24 * time.Hour

// now is the clock statements' times are checked against.
var now = time.Now

// readTime reads a statement's or document's time: zero and no problem
// when there is none, else the time or what is wrong with it.
func readTime(what, v string) (time.Time, string) {
	if v == "" {
		return time.Time{}, ""
	}
	t, ok := parseTime(v)
	switch {
	case !ok:
		return time.Time{}, fmt.Sprintf("%s %q is not an RFC 3339 time", what, clipText(v))
	case t.After(now().Add(maxSkew)):
		return t, fmt.Sprintf("%s %s is in the future", what, v)
	}
	return t, ""
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// statement decodes one statement in either OpenVEX shape.
func statement(raw json.RawMessage) (Statement, error) {
	var st struct {
		Vulnerability   json.RawMessage   `json:"vulnerability"`
		Products        []json.RawMessage `json:"products"`
		Subcomponents   []json.RawMessage `json:"subcomponents"`
		Status          string            `json:"status"`
		Justification   string            `json:"justification"`
		ImpactStatement string            `json:"impact_statement"`
		ActionStatement string            `json:"action_statement"`
		Timestamp       string            `json:"timestamp"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return Statement{}, err
	}
	s := Statement{Status: st.Status, Justification: st.Justification, ImpactStatement: st.ImpactStatement, ActionStatement: st.ActionStatement}
	s.Timestamp, s.timeProblem = readTime("timestamp", st.Timestamp)
	var name string
	if json.Unmarshal(st.Vulnerability, &name) == nil {
		s.Vulnerability = name
	} else {
		var v struct {
			ID      string   `json:"@id"`
			Name    string   `json:"name"`
			Aliases []string `json:"aliases"`
		}
		if err := json.Unmarshal(st.Vulnerability, &v); err != nil && len(st.Vulnerability) > 0 {
			return s, fmt.Errorf("vulnerability: %v", err)
		}
		s.Vulnerability, s.Aliases = v.Name, v.Aliases
		if s.Vulnerability == "" {
			s.Vulnerability = v.ID
		} else if v.ID != "" && v.ID != v.Name {
			s.Aliases = append(s.Aliases, v.ID)
		}
	}
	// Subcomponents beside the products (the v0.0.1 shape) are parts
	// of each of them, as written.
	var shared []string
	for _, c := range st.Subcomponents {
		if purl, _ := product(c); purl != "" {
			shared = append(shared, purl)
		}
	}
	for _, p := range st.Products {
		purl, subs := product(p)
		if purl == "" {
			continue
		}
		subs = append(subs, shared...)
		sort.Strings(subs)
		s.Products = append(s.Products, Product{PURL: purl, Subcomponents: slices.Compact(subs)})
	}
	return s, nil
}

// product reads a product: a purl string, or {"@id", "identifiers":
// {"purl"}, "subcomponents"}.
func product(raw json.RawMessage) (string, []string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var p struct {
		ID          string `json:"@id"`
		Identifiers struct {
			PURL string `json:"purl"`
		} `json:"identifiers"`
		Subcomponents []json.RawMessage `json:"subcomponents"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return "", nil
	}
	purl := p.Identifiers.PURL
	if purl == "" {
		purl = p.ID
	}
	var subs []string
	for _, c := range p.Subcomponents {
		if sp, _ := product(c); sp != "" {
			subs = append(subs, sp)
		}
	}
	return purl, subs
}

// badProduct says which product or subcomponent of s can never match a
// component, or what is wrong with its time; "" when nothing is.
func (s *Statement) badProduct() string {
	if s.timeProblem != "" {
		return s.timeProblem
	}
	for _, p := range s.Products {
		if why := purlProblem(p.PURL); why != "" {
			return fmt.Sprintf("product %q %s", p.PURL, why)
		}
		for _, c := range p.Subcomponents {
			if why := purlProblem(c); why != "" {
				return fmt.Sprintf("subcomponent %q %s", c, why)
			}
		}
	}
	return ""
}
