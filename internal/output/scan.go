package output

import (
	"bufio"
	"io"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/report"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vex"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// Scan is what pysbom scan writes: the findings of an inventory against
// a database, with what was needed to say where they came from.
type Scan struct {
	DB        *vulndb.Status
	Result    *scan.Result
	Inventory *inventory.Inventory
	Target    string // what was scanned, as the user named it
	Created   time.Time
	Tool      Tool
	// ShowSuppressed lists VEX-suppressed findings in the table too.
	ShowSuppressed bool
	// VEXAuthor and VEXNamespace name the author (openvex, csaf) and the
	// publisher's namespace (csaf) of a VEX document.
	VEXAuthor, VEXNamespace string
	// Warn reports what a format leaves out, on standard error.
	Warn func(format string, args ...any)
}

func (s *Scan) warn(format string, args ...any) {
	if s.Warn != nil {
		s.Warn(format, args...)
	}
}

// Scans are the formats of a scan.
var Scans = &Registry[*Scan]{
	Default: "table",
	Formats: []Format[*Scan]{
		{"table", "findings worst first, for people", func(w io.Writer, s *Scan) error {
			bw := bufio.NewWriter(w)
			printScan(bw, s.DB, s.Result, s.ShowSuppressed)
			return bw.Flush()
		}},
		{"json", "the findings, unscanned components and VEX statements not applied", func(w io.Writer, s *Scan) error {
			b, err := report.AppendJSON(nil, s.DB, s.Result)
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		}},
		{"markdown", "a summary for a pull-request comment", scanMarkdown},
		{"html", "one self-contained page: charts, sortable tables, no requests", scanHTML},
		{"sarif", "SARIF 2.1.0, for code scanning", func(w io.Writer, s *Scan) error {
			return report.SARIF(w, s.Result, s.Inventory, s.Target, s.Tool.Version)
		}},
		{"cyclonedx-json", "CycloneDX 1.6 with the vulnerabilities", func(w io.Writer, s *Scan) error {
			return report.CycloneDX(w, s.Result, s.Inventory, s.Created, s.Tool.Version)
		}},
		{"cyclonedx-vex", "CycloneDX 1.6 with an analysis on every vulnerability", func(w io.Writer, s *Scan) error {
			return report.CycloneDXVEX(w, s.Result, s.Inventory, s.Created, s.Tool.Version)
		}},
		{"openvex", "the triage state as OpenVEX (the rest under_investigation)", func(w io.Writer, s *Scan) error {
			stmts := s.statements()
			return vex.WriteOpenVEX(w, stmts, s.VEXAuthor, s.Tool.String(), s.Created)
		}},
		{"csaf", "the triage state as a CSAF 2.0 VEX document", func(w io.Writer, s *Scan) error {
			stmts := s.statements()
			return vex.WriteCSAF(w, stmts, vex.CSAFPublisher{Name: s.VEXAuthor, Namespace: s.VEXNamespace}, s.Tool.Name, s.Tool.Version, s.Created)
		}},
	},
	Aliases: map[string]string{"cyclonedx": "cyclonedx-json", "csaf-vex": "csaf"},
}

func (s *Scan) statements() []vex.Statement {
	stmts, skipped := vex.FromFindings(s.Result, s.Inventory)
	if skipped > 0 {
		s.warn("%s on components without a purl are not in the VEX document", Count(skipped, "finding"))
	}
	return stmts
}

// Explain writes the record, the range and the comparison behind the
// findings of vulnerability id.
func Explain(w io.Writer, res *scan.Result, id string) error {
	bw := bufio.NewWriter(w)
	explainFindings(bw, res, id)
	return bw.Flush()
}
