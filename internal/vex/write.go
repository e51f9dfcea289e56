package vex

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
)

// FromFindings returns the triage state of a scan as statements: a
// finding VEX already speaks for as stated, every other finding as
// under_investigation. The product is the SBOM's root when it has a
// purl, the component a subcomponent of it; else the component itself.
// Findings on components without a purl cannot be named and are counted
// in skipped.
func FromFindings(res *scan.Result, inv *inventory.Inventory) (stmts []Statement, skipped int) {
	root := ""
	if inv.Root != nil {
		root = inv.Root.PURL
	}
	for _, f := range res.Findings {
		if f.PURL == "" {
			skipped++
			continue
		}
		s := Statement{Vulnerability: f.ID, Aliases: f.Aliases, Status: UnderInvestigation, Products: []Product{{PURL: f.PURL}}}
		if root != "" && root != f.PURL {
			s.Products = []Product{{PURL: root, Subcomponents: []string{f.PURL}}}
		}
		if v := f.VEX; v != nil {
			s.Status, s.Justification, s.ImpactStatement, s.ActionStatement = v.Status, v.Justification, v.ImpactStatement, v.ActionStatement
		}
		if s.Status == Affected && s.ActionStatement == "" {
			s.ActionStatement = f.Advice
		}
		stmts = append(stmts, s)
	}
	sort.SliceStable(stmts, func(i, j int) bool {
		a, b := stmts[i], stmts[j]
		if a.Vulnerability != b.Vulnerability {
			return a.Vulnerability < b.Vulnerability
		}
		return fmt.Sprint(a.Products) < fmt.Sprint(b.Products)
	})
	return stmts, skipped
}

type ovDoc struct {
	Context    string        `json:"@context"`
	ID         string        `json:"@id"`
	Author     string        `json:"author"`
	Timestamp  string        `json:"timestamp"`
	Version    int           `json:"version"`
	Tooling    string        `json:"tooling,omitempty"`
	Statements []ovStatement `json:"statements"`
}

type ovStatement struct {
	Vulnerability   ovVuln      `json:"vulnerability"`
	Timestamp       string      `json:"timestamp,omitempty"`
	Products        []ovProduct `json:"products"`
	Status          string      `json:"status"`
	Justification   string      `json:"justification,omitempty"`
	ImpactStatement string      `json:"impact_statement,omitempty"`
	ActionStatement string      `json:"action_statement,omitempty"`
}

type ovVuln struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

type ovProduct struct {
	ID            string      `json:"@id"`
	Identifiers   ovIdent     `json:"identifiers"`
	Subcomponents []ovProduct `json:"subcomponents,omitempty"`
}

type ovIdent struct {
	PURL string `json:"purl"`
}

// WriteOpenVEX writes the statements as a new OpenVEX v0.2.0 document.
// Its @id is derived from the content, so the same statements and time
// give the same bytes.
func WriteOpenVEX(w io.Writer, stmts []Statement, author, tooling string, created time.Time) error {
	return Write(w, &Document{Author: author, Tooling: tooling, Version: 1, Timestamp: created, Statements: stmts})
}

// Write writes d as an OpenVEX v0.2.0 document; an empty ID is derived
// from the content.
func Write(w io.Writer, d *Document) error {
	doc := ovDoc{Context: "https://openvex.dev/ns/v0.2.0", ID: d.ID, Author: d.Author, Tooling: d.Tooling,
		Timestamp: d.Timestamp.UTC().Format(time.RFC3339), Version: d.Version, Statements: []ovStatement{}}
	for _, s := range d.Statements {
		st := ovStatement{Vulnerability: ovVuln{Name: s.Vulnerability, Aliases: s.Aliases}, Status: s.Status,
			Justification: s.Justification, ImpactStatement: s.ImpactStatement, ActionStatement: s.ActionStatement}
		if !s.Timestamp.IsZero() {
			st.Timestamp = s.Timestamp.UTC().Format(time.RFC3339)
		}
		for _, p := range s.Products {
			var subs []ovProduct
			for _, c := range p.Subcomponents {
				subs = append(subs, ovProduct{ID: c, Identifiers: ovIdent{c}})
			}
			st.Products = append(st.Products, ovProduct{ID: p.PURL, Identifiers: ovIdent{p.PURL}, Subcomponents: subs})
		}
		doc.Statements = append(doc.Statements, st)
	}
	if doc.ID == "" {
		body, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		b := sum[:16] // a version 8 (custom) UUID from the content's hash
		b[6] = b[6]&0x0f | 0x80
		b[8] = b[8]&0x3f | 0x80
		doc.ID = fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
