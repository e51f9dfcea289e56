package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/vex"
)

func vexUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: pysbom vex init --author NAME FILE                   start an OpenVEX document")
	fmt.Fprintln(w, "       pysbom vex add --vuln ID --product PURL|SBOM --status STATUS [flags] FILE")
	fmt.Fprintln(w, "                                                             add a statement (the latest one wins)")
	fmt.Fprintln(w, "       pysbom vex list FILE...                              the statements of VEX documents")
	fmt.Fprintln(w, "       pysbom vex merge [-o FILE] [--author NAME] FILE...   one document, the latest statement winning")
}

func runVEX(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		vexUsage(e.stderr)
		if len(args) == 0 {
			return &usageError{"vex needs a subcommand: init, add, list or merge"}
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fset := flag.NewFlagSet("vex "+sub, flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	author := fset.String("author", "", "the document's `AUTHOR`")
	out := fset.String("o", "", "for merge: write to `FILE` (default stdout)")
	vuln := fset.String("vuln", "", "for add: the vulnerability `ID`")
	var aliases, subs listFlag
	fset.Var(&aliases, "alias", "for add: another `ID` of the vulnerability (repeatable)")
	product := fset.String("product", "", "for add: the product, a `PURL` or an SBOM whose root has one")
	fset.Var(&subs, "subcomponent", "for add: a `PURL` inside the product the statement is about (repeatable)")
	status := fset.String("status", "", "for add: `STATUS`, one of "+strings.Join(vex.Statuses, ", "))
	just := fset.String("justification", "", "for add: why not_affected, one of "+strings.Join(vex.Justifications, ", "))
	impact := fset.String("impact", "", "for add: the impact statement `TEXT`")
	action := fset.String("action", "", "for add: the action statement `TEXT` (affected needs one)")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	switch sub {
	case "init":
		if len(pos) != 1 || *author == "" {
			return &usageError{"vex init needs --author NAME and one FILE"}
		}
		if _, err := os.Stat(pos[0]); err == nil {
			return fmt.Errorf("%s already exists; vex add adds to it", pos[0])
		}
		doc := &vex.Document{Author: *author, Tooling: "pysbom " + Version, Version: 1, Timestamp: created}
		// Write derives the @id from the content; later adds keep it.
		return writeAtomic(pos[0], e.stdout, func(w io.Writer) error { return vex.Write(w, doc) })
	case "add":
		if len(pos) != 1 {
			return &usageError{"vex add needs one FILE"}
		}
		doc, err := readVEXDocument(pos[0])
		if err != nil {
			return err
		}
		s := vex.Statement{Vulnerability: *vuln, Aliases: aliases, Status: *status,
			Justification: *just, ImpactStatement: *impact, ActionStatement: *action, Timestamp: created}
		p, err := productPURL(*product)
		if err != nil {
			return err
		}
		s.Products = []vex.Product{{PURL: p, Subcomponents: subs}}
		if err := checkStatement(s); err != nil {
			return err
		}
		doc.Statements = append(doc.Statements, s)
		doc.Version++
		doc.Timestamp = created
		return writeAtomic(pos[0], e.stdout, func(w io.Writer) error { return vex.Write(w, doc) })
	case "list":
		if len(pos) == 0 {
			return &usageError{"vex list needs at least one FILE"}
		}
		lists, err := readVEXFiles(e.stderr, pos, "") // the table shows invalid ones
		if err != nil {
			return err
		}
		listStatements(e.stdout, slices.Concat(lists...))
		return nil
	case "merge":
		if len(pos) == 0 {
			return &usageError{"vex merge needs at least one FILE"}
		}
		lists, err := readVEXFiles(e.stderr, pos, "left out")
		if err != nil {
			return err
		}
		merged := vex.Merge(lists...)
		name := *author
		if name == "" {
			name = "unknown"
		}
		return writeAtomic(*out, e.stdout, func(w io.Writer) error {
			return vex.Write(w, &vex.Document{Author: name, Tooling: "pysbom " + Version, Version: 1, Timestamp: created, Statements: merged})
		})
	}
	vexUsage(e.stderr)
	return &usageError{fmt.Sprintf("unknown vex subcommand %q", sub)}
}

func readVEXDocument(file string) (*vex.Document, error) {
	data, err := readSBOM(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist; start it with pysbom vex init", file)
	} else if err != nil {
		return nil, err
	}
	return vex.ReadOpenVEXDocument(data, file)
}

// productPURL is the product of a statement: a purl, or the purl of an
// SBOM's root. A root whose version is a digest of its contents (an
// environment's) is named without it: the digest changes with every
// install, and the statement must go on applying to the environment.
func productPURL(arg string) (string, error) {
	if arg == "" {
		return "", &usageError{"vex add needs --product PURL or an SBOM"}
	}
	if strings.HasPrefix(arg, "pkg:") {
		if !vex.ValidPURL(arg) {
			return "", fmt.Errorf("--product %s: not a valid purl", arg)
		}
		return arg, nil
	}
	data, err := readSBOM(arg)
	if err != nil {
		return "", fmt.Errorf("--product: %w", err)
	}
	inv, _, err := sbom.Decode(data)
	if err != nil {
		return "", fmt.Errorf("--product %s: %w", arg, err)
	}
	if inv.Root == nil || inv.Root.PURL == "" {
		return "", fmt.Errorf("--product %s: the SBOM's root has no purl; give --product PURL", arg)
	}
	return vex.StableProduct(inv.Root.PURL), nil
}

// checkStatement applies OpenVEX's rules to a statement being authored.
func checkStatement(s vex.Statement) error {
	switch {
	case s.Vulnerability == "":
		return &usageError{"vex add needs --vuln ID"}
	case !slices.Contains(vex.Statuses, s.Status):
		return &usageError{fmt.Sprintf("--status %q: want one of %s", s.Status, strings.Join(vex.Statuses, ", "))}
	case s.Justification != "" && !slices.Contains(vex.Justifications, s.Justification):
		return &usageError{fmt.Sprintf("--justification %q: want one of %s", s.Justification, strings.Join(vex.Justifications, ", "))}
	case s.Justification != "" && s.Status != vex.NotAffected:
		return &usageError{"--justification is for not_affected statements"}
	case s.Status == vex.NotAffected && s.Justification == "" && s.ImpactStatement == "":
		return &usageError{"not_affected needs --justification or --impact"}
	case s.Status == vex.Affected && s.ActionStatement == "":
		return &usageError{"affected needs --action (what users should do)"}
	}
	for _, p := range s.Products {
		for _, c := range p.Subcomponents {
			if !vex.ValidPURL(c) {
				return fmt.Errorf("--subcomponent %s: not a valid purl", c)
			}
		}
	}
	return nil
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
	fmt.Fprintf(w, "\n%d statements.\n", len(stmts))
}
