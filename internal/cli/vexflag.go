package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vex"
)

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// applyVEX reads the VEX documents and applies their statements to the
// findings. Statements that break the spec are reported on stderr and
// not applied.
func applyVEX(stderr io.Writer, files []string, res *scan.Result, inv *inventory.Inventory) error {
	var all []vex.Statement
	for _, f := range files {
		data, err := readSBOM(f)
		if err != nil {
			return err
		}
		stmts, err := vex.Read(data, f)
		if err != nil {
			return err
		}
		if len(stmts) == 0 {
			fmt.Fprintf(stderr, "pysbom: %s: no VEX statements\n", f)
		}
		for _, s := range stmts {
			if s.Invalid != "" {
				fmt.Fprintf(stderr, "pysbom: %s: statement not applied: %s\n", s.Source, s.Invalid)
			}
		}
		all = append(all, stmts...)
	}
	vex.Apply(res, inv, all)
	return nil
}

// unsuppressed returns the findings VEX does not suppress.
func unsuppressed(fs []*scan.Finding) []*scan.Finding {
	var out []*scan.Finding
	for _, f := range fs {
		if !f.Suppressed() {
			out = append(out, f)
		}
	}
	return out
}
