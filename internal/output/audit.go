package output

import (
	"io"

	"github.com/pysbom/pysbom/internal/native/audit"
)

// Audit is what pysbom audit writes: every native binary of a target with
// its hardening checks, languages and bundled libraries.
type Audit struct {
	Report *audit.Report
	Tool   Tool
}

// Audits are the formats of an audit.
var Audits = &Registry[*Audit]{
	Default: "table",
	Formats: []Format[*Audit]{
		{"table", "a row per binary with its failing checks, for people", func(w io.Writer, a *Audit) error { return a.Report.WriteTable(w) }},
		{"json", "every binary with every check's verdict and evidence", func(w io.Writer, a *Audit) error { return a.Report.WriteJSON(w, a.Tool.String()) }},
		{"markdown", "a summary for a pull-request comment", func(w io.Writer, a *Audit) error { return a.Report.WriteMarkdown(w, a.Tool.String()) }},
		{"html", "one self-contained page: code by language, the hardening matrix", auditHTML},
		{"sarif", "SARIF 2.1.0: a result per failing check", func(w io.Writer, a *Audit) error { return a.Report.WriteSARIF(w, a.Tool.Version) }},
	},
}
