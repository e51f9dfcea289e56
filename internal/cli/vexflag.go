package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom"
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
func applyVEX(stderr io.Writer, files []string, embedded []vex.Statement, res *scan.Result, inv *inventory.Inventory) error {
	lists, err := readVEXFiles(stderr, files, "")
	if err != nil {
		return err
	}
	vex.Apply(res, inv, append(embedded, slices.Concat(lists...)...))
	printNotApplied(stderr, res.VEXNotApplied)
	return nil
}

// printNotApplied warns of every VEX statement that decided no finding,
// so that a stale VEX document is never silent.
func printNotApplied(stderr io.Writer, ns []scan.VEXNotApplied) {
	for i, n := range ns {
		if i == 20 {
			fmt.Fprintf(stderr, "pysbom: warning: ... and %d more VEX statements not applied (-o json lists all)\n", len(ns)-20)
			return
		}
		fmt.Fprintf(stderr, "pysbom: warning: %s: VEX statement not applied: %s %s for %s: %s\n",
			n.Source, n.Vulnerability, n.Status, strings.Join(n.Products, ", "), n.Reason)
	}
}

// readVEXFiles reads VEX documents of any format, one list of statements
// per file, saying on stderr which statements are invalid (with why, after
// the verdict given) and which files hold none.
func readVEXFiles(stderr io.Writer, files []string, verdict string) ([][]vex.Statement, error) {
	var lists [][]vex.Statement
	for _, f := range files {
		data, err := readSBOM(f)
		if err != nil {
			return nil, err
		}
		stmts, err := vex.Read(data, f)
		if err != nil {
			return nil, err
		}
		if len(stmts) == 0 {
			fmt.Fprintf(stderr, "pysbom: %s: no VEX statements\n", f)
		}
		for _, s := range stmts {
			if s.Invalid != "" && verdict != "" {
				fmt.Fprintf(stderr, "pysbom: %s: %s: %s\n", s.Source, verdict, s.Invalid)
			}
		}
		lists = append(lists, stmts)
	}
	return lists, nil
}

// embeddedVEX returns the analyses of the vulnerabilities section of the
// CycloneDX SBOM being scanned (doc, read from name); they apply as VEX.
// Any other document gives none.
// hasAnalysis reports whether the document in file holds a VEX analysis,
// reading it a piece at a time.
func hasAnalysis(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	found, _ := sbom.Contains(f, 0, []byte(`"analysis"`))
	return found
}

func embeddedVEX(doc []byte, name string) []vex.Statement {
	if !bytes.Contains(doc, []byte(`"analysis"`)) {
		return nil
	}
	stmts, err := vex.ReadCycloneDX(doc, name)
	if err != nil {
		return nil
	}
	return stmts
}
