package output

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/vex"
)

// VEXList is what pysbom vex list writes: the statements of VEX documents.
type VEXList struct {
	Statements []vex.Statement
}

// VEXLists are the formats of a list of VEX statements.
var VEXLists = &Registry[*VEXList]{
	Default: "table",
	Formats: []Format[*VEXList]{
		{"table", "a row per statement and product, for people", func(w io.Writer, l *VEXList) error {
			dw := display.NewWriter(w)
			listStatements(dw, l.Statements)
			return dw.Flush()
		}},
		{"json", "the statements, invalid ones with why", func(w io.Writer, l *VEXList) error {
			out := make([]statementJSON, 0, len(l.Statements))
			for _, s := range l.Statements {
				out = append(out, toJSON(s))
			}
			return writeJSON(w, out)
		}},
	},
}

type productJSON struct {
	PURL          string   `json:"purl"`
	Subcomponents []string `json:"subcomponents,omitempty"`
}

type statementJSON struct {
	Vulnerability   string        `json:"vulnerability"`
	Aliases         []string      `json:"aliases,omitempty"`
	Products        []productJSON `json:"products"`
	Status          string        `json:"status"`
	Justification   string        `json:"justification,omitempty"`
	ImpactStatement string        `json:"impactStatement,omitempty"`
	ActionStatement string        `json:"actionStatement,omitempty"`
	Timestamp       string        `json:"timestamp,omitempty"`
	Source          string        `json:"source"`
	Invalid         string        `json:"invalid,omitempty"`
}

func toJSON(s vex.Statement) statementJSON {
	j := statementJSON{Vulnerability: s.Vulnerability, Aliases: s.Aliases, Products: []productJSON{}, Status: s.Status,
		Justification: s.Justification, ImpactStatement: s.ImpactStatement, ActionStatement: s.ActionStatement,
		Source: s.Source, Invalid: s.Invalid}
	if !s.Timestamp.IsZero() {
		j.Timestamp = s.Timestamp.UTC().Format(time.RFC3339)
	}
	for _, p := range s.Products {
		j.Products = append(j.Products, productJSON{PURL: p.PURL, Subcomponents: p.Subcomponents})
	}
	return j
}

// VEXDocument is a VEX document pysbom writes (vex merge).
type VEXDocument struct {
	Document *vex.Document
}

// VEXDocuments are the formats of a VEX document.
var VEXDocuments = &Registry[*VEXDocument]{
	Default: "openvex",
	Formats: []Format[*VEXDocument]{
		{"openvex", "OpenVEX v0.2.0", func(w io.Writer, d *VEXDocument) error { return vex.Write(w, d.Document) }},
	},
}

func listStatements(w io.Writer, stmts []vex.Statement) {
	tw := display.NewTable(w)
	tw.Row("VULNERABILITY", "PRODUCT", "SUBCOMPONENTS", "STATUS", "JUSTIFICATION", "TIMESTAMP", "SOURCE")
	for _, s := range stmts {
		st := s.Status
		if s.Invalid != "" {
			st += " (invalid: " + s.Invalid + ")"
		}
		ts := "-"
		if !s.Timestamp.IsZero() {
			ts = s.Timestamp.UTC().Format(time.RFC3339)
		}
		products := s.Products
		if len(products) == 0 {
			products = []vex.Product{{PURL: "-"}}
		}
		// A row per product, with that product's own subcomponents.
		for _, p := range products {
			tw.Row(strings.Join(s.IDs(), ", "), p.PURL, cmp.Or(strings.Join(p.Subcomponents, ", "), "-"), st,
				cmp.Or(s.Justification, "-"), ts, s.Source)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s.\n", Count(len(stmts), "statement"))
}
