package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom"
)

func convertCommand() *command {
	return &command{
		name: "convert", args: "SBOM",
		summary: "SPDX <-> CycloneDX, saying what could not be carried",
		help: `Converts an SPDX 2.2/2.3 (JSON or tag-value) or CycloneDX 1.4-1.6 JSON document into SPDX 2.3 or
CycloneDX 1.4-1.6: names, versions, purls, CPEs, checksums, licenses, suppliers and originators,
download locations, external references and relationships (DEPENDS_ON <-> dependencies,
CONTAINS <-> nesting, DESCRIBES <-> metadata.component). What the target cannot carry is listed on
standard error (and by -o json); relationship types CycloneDX has no place for become properties.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := &outputsFlag{formats: output.Conversions}
			fs.Var(outs, "o", "write `FORMAT[=FILE]` (repeatable; at most one to standard output): "+output.Conversions.Help()+" (one is required)")
			spec := fs.String("spec-version", "1.6", "the CycloneDX `VERSION` to write: 1.4, 1.5 or 1.6")
			return func(ctx context.Context, pos []string) error { return runConvert(e, pos, outs, *spec) }
		},
	}
}

func runConvert(e *env, pos []string, outs *outputsFlag, spec string) error {
	if len(pos) != 1 {
		return &usageError{msg: "convert needs one SBOM", hint: "pysbom convert -h"}
	}
	if len(outs.list) == 0 {
		return &usageError{msg: "convert needs -o FORMAT[=FILE]: " + output.Conversions.Help(), hint: "pysbom convert -h"}
	}
	if _, ok := map[string]bool{"1.4": true, "1.5": true, "1.6": true}[spec]; !ok {
		return &usageError{msg: fmt.Sprintf("--spec-version %q: want 1.4, 1.5 or 1.6", spec)}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	data, err := readSBOM(pos[0])
	if err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	// The losses depend on the target: CycloneDX carries fewer
	// relationship types than SPDX.
	target := "spdx"
	for _, o := range outs.list {
		if o.format == "cyclonedx-json" {
			target = "cyclonedx"
		}
	}
	inv, losses, err := sbom.Convert(data, pos[0], target)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	doc := &output.Conversion{SBOM: &output.SBOM{Inventory: inv, Created: created, Tool: tool()}, Losses: losses, CycloneDX: spec}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.Conversions.Write(w, format, doc) }); err != nil {
		return err
	}
	for _, l := range losses {
		fmt.Fprintf(e.stderr, "pysbom: note: %s\n", l)
	}
	return nil
}
