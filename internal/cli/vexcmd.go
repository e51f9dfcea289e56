package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/vex"
)

func vexCommand() *command {
	return &command{
		name:    "vex",
		summary: "author, list and merge VEX statements (OpenVEX)",
		help: `VEX statements say whether a vulnerability affects a product. scan --vex applies them; these
subcommands write them (OpenVEX v0.2.0) and read OpenVEX, CycloneDX VEX and CSAF VEX.`,
		subs: []*command{
			{name: "vex init", args: "FILE", summary: "start an OpenVEX document",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					author := fs.String("author", "", "the document's `AUTHOR` (required)")
					return func(ctx context.Context, pos []string) error { return vexInit(e, pos, *author) }
				}},
			{name: "vex add", args: "FILE", summary: "add a statement to an OpenVEX document (the latest one wins)",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					s := &vexAdd{}
					fs.StringVar(&s.vuln, "vuln", "", "the vulnerability `ID` (required)")
					fs.Var(&s.aliases, "alias", "another `ID` of the vulnerability (repeatable)")
					fs.StringVar(&s.product, "product", "", "the product, a `PURL` or an SBOM whose root has one (required)")
					fs.Var(&s.subs, "subcomponent", "a `PURL` inside the product the statement is about (repeatable)")
					fs.StringVar(&s.status, "status", "", "`STATUS`, one of "+strings.Join(vex.Statuses, ", ")+" (required)")
					fs.StringVar(&s.just, "justification", "", "why not_affected, one of "+strings.Join(vex.Justifications, ", "))
					fs.StringVar(&s.impact, "impact", "", "the impact statement `TEXT`")
					fs.StringVar(&s.action, "action", "", "the action statement `TEXT` (affected needs one)")
					return func(ctx context.Context, pos []string) error { return s.run(e, pos) }
				}},
			{name: "vex list", args: "FILE...", summary: "the statements of VEX documents (OpenVEX, CycloneDX, CSAF)",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					outs := newOutputs(fs, output.VEXLists, output.VEXLists.Default)
					return func(ctx context.Context, pos []string) error {
						if len(pos) == 0 {
							return &usageError{msg: "vex list needs at least one FILE", hint: "pysbom vex list -h"}
						}
						if _, err := outs.outputs(); err != nil {
							return err
						}
						lists, err := readVEXFiles(e.stderr, pos, "") // the table shows invalid ones
						if err != nil {
							return err
						}
						doc := &output.VEXList{Statements: slices.Concat(lists...)}
						return outs.write(e.stdout, func(w io.Writer, format string) error { return output.VEXLists.Write(w, format, doc) })
					}
				}},
			{name: "vex merge", args: "FILE...", summary: "one document, the latest statement per vulnerability and product winning",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					outs := &outputsFlag{formats: legacyFile{output.VEXDocuments}, def: output.VEXDocuments.Default}
					fs.Var(outs, "o", "output `FORMAT[=FILE]`: openvex (default); a bare FILE, as older versions took, is openvex=FILE")
					author := fs.String("author", "", "the merged document's `AUTHOR`")
					return func(ctx context.Context, pos []string) error { return vexMerge(e, pos, outs, *author) }
				}},
		},
	}
}

// legacyFile lets -o take a bare file name, as vex merge -o FILE did
// before -o FORMAT[=FILE] was the rule everywhere.
type legacyFile struct{ formats }

func (l legacyFile) Check(name string) error {
	if strings.ContainsAny(name, "./") {
		return nil
	}
	return l.formats.Check(name)
}

func (l legacyFile) Canonical(name string) string {
	if strings.ContainsAny(name, "./") {
		return name
	}
	return l.formats.Canonical(name)
}

func vexInit(e *env, pos []string, author string) error {
	if len(pos) != 1 || author == "" {
		return &usageError{msg: "vex init needs --author NAME and one FILE", hint: "pysbom vex init -h"}
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	if _, err := os.Stat(pos[0]); err == nil {
		return fmt.Errorf("%s already exists; vex add adds to it", pos[0])
	}
	doc := &vex.Document{Author: author, Tooling: tool().String(), Version: 1, Timestamp: created}
	// Write derives the @id from the content; later adds keep it.
	return writeAtomic(pos[0], e.stdout, func(w io.Writer) error { return vex.Write(w, doc) })
}

type vexAdd struct {
	vuln, product, status, just, impact, action string
	aliases, subs                               listFlag
}

func (a *vexAdd) run(e *env, pos []string) error {
	if len(pos) != 1 {
		return &usageError{msg: "vex add needs one FILE", hint: "pysbom vex add -h"}
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	doc, err := readVEXDocument(pos[0])
	if err != nil {
		return err
	}
	s := vex.Statement{Vulnerability: a.vuln, Aliases: a.aliases, Status: a.status,
		Justification: a.just, ImpactStatement: a.impact, ActionStatement: a.action, Timestamp: created}
	p, err := productPURL(a.product)
	if err != nil {
		return err
	}
	s.Products = []vex.Product{{PURL: p, Subcomponents: a.subs}}
	if err := checkStatement(s); err != nil {
		return err
	}
	doc.Statements = append(doc.Statements, s)
	doc.Version++
	doc.Timestamp = created
	return writeAtomic(pos[0], e.stdout, func(w io.Writer) error { return vex.Write(w, doc) })
}

func vexMerge(e *env, pos []string, outs *outputsFlag, author string) error {
	if len(pos) == 0 {
		return &usageError{msg: "vex merge needs at least one FILE", hint: "pysbom vex merge -h"}
	}
	for i, o := range outs.list {
		if strings.ContainsAny(o.format, "./") { // the older -o FILE
			outs.list[i] = outputReq{format: output.VEXDocuments.Default, file: o.format}
		}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	lists, err := readVEXFiles(e.stderr, pos, "left out")
	if err != nil {
		return err
	}
	if author == "" {
		author = "unknown"
	}
	doc := &output.VEXDocument{Document: &vex.Document{Author: author, Tooling: tool().String(), Version: 1, Timestamp: created, Statements: vex.Merge(lists...)}}
	return outs.write(e.stdout, func(w io.Writer, format string) error { return output.VEXDocuments.Write(w, format, doc) })
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
		return "", &usageError{msg: "vex add needs --product PURL or an SBOM"}
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
		return &usageError{msg: "vex add needs --vuln ID"}
	case !slices.Contains(vex.Statuses, s.Status):
		return &usageError{msg: fmt.Sprintf("--status %q: want one of %s", s.Status, strings.Join(vex.Statuses, ", "))}
	case s.Justification != "" && !slices.Contains(vex.Justifications, s.Justification):
		return &usageError{msg: fmt.Sprintf("--justification %q: want one of %s", s.Justification, strings.Join(vex.Justifications, ", "))}
	case s.Justification != "" && s.Status != vex.NotAffected:
		return &usageError{msg: "--justification is for not_affected statements"}
	case s.Status == vex.NotAffected && s.Justification == "" && s.ImpactStatement == "":
		return &usageError{msg: "not_affected needs --justification or --impact"}
	case s.Status == vex.Affected && s.ActionStatement == "":
		return &usageError{msg: "affected needs --action (what users should do)"}
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
