// Package report writes scan results in the formats other tools read:
// pysbom's JSON report (AppendJSON), SARIF 2.1.0 (GitHub code scanning
// and other CI viewers) and CycloneDX 1.6 with the vulnerabilities
// section. Package output chooses among them by format name.
package report

import (
	"crypto/sha256"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sarif"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/severity"
)

// SARIF writes the findings as SARIF 2.1.0. Each finding is located at
// the file that declares the component: its .dist-info/METADATA for an
// installed distribution, else input (the scanned SBOM or target).
func SARIF(w io.Writer, res *scan.Result, inv *inventory.Inventory, input, toolVersion string) error {
	run := sarif.Run{Tool: sarif.Tool{Driver: sarif.Driver{Name: "pysbom", Version: toolVersion,
		InformationURI: "https://github.com/pysbom/pysbom", Rules: []sarif.Rule{}}}, Results: []sarif.Result{}}
	rules := map[string]bool{}
	for _, f := range res.Findings {
		if !rules[f.ID] {
			rules[f.ID] = true
			rule := sarif.Rule{ID: f.ID, Name: "VulnerableDependency",
				ShortDescription: sarif.Text{Text: fmt.Sprintf("%s in %s", f.ID, f.Name)},
				FullDescription:  sarif.Text{Text: nonEmpty(f.Summary, f.ID)},
				Help:             sarif.Text{Text: f.Advice},
				Properties:       map[string]any{"tags": []string{"security", "vulnerability", "dependency"}, "aliases": f.Aliases}}
			if f.Score > 0 {
				rule.Properties["security-severity"] = strconv.FormatFloat(f.Score, 'f', 1, 64)
			}
			if r := f.Record(); r != nil && len(r.References) > 0 {
				rule.HelpURI = r.References[0].URL
			}
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
		}
		loc := sarif.Location{LogicalLocations: []sarif.Logical{{Name: f.Name, FullyQualifiedName: f.PURL, Kind: "package"}}}
		loc.PhysicalLocation = sarif.At(locate(inv, f.Component, input))
		sum := sha256.Sum256([]byte(f.Component + "\x00" + f.ID))
		var sup []sarif.Suppression
		if f.Suppressed() {
			sup = []sarif.Suppression{{Kind: "external", Status: "accepted",
				Justification: strings.TrimSpace(f.VEX.Status + " " + f.VEX.Justification + " " + f.VEX.ImpactStatement + " (" + f.VEX.Source + ")")}}
		}
		msg := fmt.Sprintf("%s %s is affected by %s (%s): %s. %s.", f.Name, f.Version, f.ID, f.Severity, nonEmpty(f.Summary, "see the advisory"), f.Advice)
		var props map[string]any
		if f.Layer != nil {
			// In an image: the layer, and so the Dockerfile line, to change.
			msg += " Image layer: " + nonEmpty(f.Layer.CreatedBy, f.Layer.DiffID) + "."
			props = map[string]any{"layer": f.Layer}
		}
		if f.Location != "" {
			if props == nil {
				props = map[string]any{}
			}
			props["location"] = f.Location
		}
		run.Results = append(run.Results, sarif.Result{
			Suppressions: sup,
			RuleID:       f.ID, Level: level(f.Rating()),
			Message:             sarif.Text{Text: msg},
			Properties:          props,
			Locations:           []sarif.Location{loc},
			PartialFingerprints: map[string]string{"pysbomFinding/v1": fmt.Sprintf("%x", sum[:16])},
		})
	}
	sort.Slice(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })
	// What could not be scanned is said, not left for silence to imply.
	inv0 := sarif.Invocation{ExecutionSuccessful: true}
	for _, u := range res.Unscanned {
		inv0.ToolExecutionNotifications = append(inv0.ToolExecutionNotifications, sarif.Notification{Level: "note",
			Message:   sarif.Text{Text: fmt.Sprintf("%s was not scanned: %s", strings.TrimSpace(u.Name+" "+u.Version), u.Reason)},
			Locations: []sarif.Location{{LogicalLocations: []sarif.Logical{{Name: u.Name, FullyQualifiedName: u.PURL, Kind: "package"}}}}})
	}
	for _, n := range res.VEXNotApplied {
		inv0.ToolExecutionNotifications = append(inv0.ToolExecutionNotifications, sarif.Notification{Level: "warning",
			Message: sarif.Text{Text: fmt.Sprintf("VEX statement of %s not applied: %s %s for %s: %s",
				n.Source, n.Vulnerability, n.Status, strings.Join(n.Products, ", "), n.Reason)}})
	}
	run.Invocations = []sarif.Invocation{inv0}
	return sarif.Encode(w, run)
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func level(r severity.Rating) string {
	switch r {
	case severity.Critical, severity.High:
		return "error"
	case severity.Low, severity.None:
		return "note"
	}
	return "warning"
}

// locate finds the file that declares a component.
func locate(inv *inventory.Inventory, id, input string) string {
	if p := inv.Find(id); p != nil && p.Python != nil && p.Python.MetadataDir != "" && p.Python.Location != "" {
		return path.Join(p.Python.Location, p.Python.MetadataDir, "METADATA")
	}
	if input == "" {
		return "."
	}
	return input
}
