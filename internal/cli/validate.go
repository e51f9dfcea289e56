package cli

import (
	"context"
	"flag"
	"io"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/validate"
)

func validateCommand() *command {
	return &command{
		name: "validate", args: "SBOM...",
		summary: "check SPDX/CycloneDX documents: schema, semantics, NTIA, quality",
		help: `Checks SPDX 2.2/2.3 (JSON and tag-value) and CycloneDX 1.4-1.6 JSON documents: the official
schema, semantic rules, the NTIA minimum elements, and a quality score. -v lists every finding
(the table shows the first 20 of each kind).`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := newOutputs(fs, output.Validations, output.Validations.Default)
			var g validate.Gate
			fs.BoolVar(&g.Schema, "schema", true, "exit 3 when a document does not conform to its official JSON schema")
			fs.BoolVar(&g.Strict, "strict", false, "exit 3 on semantic errors too (dangling references, duplicate IDs, bad purls, CPEs, checksums, licenses)")
			fs.BoolVar(&g.NTIA, "ntia", false, "exit 3 when a document does not meet the NTIA minimum elements")
			fs.Float64Var(&g.MinScore, "min-score", 0, "exit 3 when a document's quality score is below `N` (0-10)")
			fs.BoolVar(&g.AllowUnknownVersion, "allow-unknown-version", false, "do not fail a document of a version pysbom has no official schema for (its other checks still run)")
			return func(ctx context.Context, files []string) error { return runValidate(ctx, e, files, outs, g) }
		},
	}
}

func runValidate(ctx context.Context, e *env, files []string, outs *outputsFlag, g validate.Gate) error {
	if len(files) == 0 {
		return &usageError{msg: "validate needs at least one SBOM file"}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	doc := &output.Validation{Verbose: e.verbose}
	var failed []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := readSBOM(f)
		if err != nil {
			return err
		}
		r, err := validate.Document(data, f)
		if err != nil {
			return err
		}
		doc.Reports = append(doc.Reports, r)
		if why := g.Failures(r); len(why) > 0 {
			failed = append(failed, f+" ("+display.Text(strings.Join(why, ", "))+")")
		}
	}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.Validations.Write(w, format, doc) }); err != nil {
		return err
	}
	if len(failed) > 0 {
		return &findingsError{"failed: " + strings.Join(failed, "; ")}
	}
	return nil
}
