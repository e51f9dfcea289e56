// Package report writes scan results in the formats other tools read:
// SARIF 2.1.0 (GitHub code scanning and other CI viewers) and CycloneDX
// 1.6 with the vulnerabilities section.
package report

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/severity"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ShortDescription sarifText      `json:"shortDescription"`
	FullDescription  sarifText      `json:"fullDescription"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Help             sarifText      `json:"help"`
	Properties       map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

// sarifSuppression records a VEX statement that suppresses a result.
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation struct {
		URI string `json:"uri"`
	} `json:"artifactLocation"`
	Region struct {
		StartLine int `json:"startLine"`
	} `json:"region"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind"`
}

// SARIF writes the findings as SARIF 2.1.0. Each finding is located at
// the file that declares the component: its .dist-info/METADATA for an
// installed distribution, else input (the scanned SBOM or target).
func SARIF(w io.Writer, res *scan.Result, inv *inventory.Inventory, input, toolVersion string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "pysbom", Version: toolVersion,
		InformationURI: "https://github.com/pysbom/pysbom", Rules: []sarifRule{}}}, Results: []sarifResult{}}
	rules := map[string]bool{}
	for _, f := range res.Findings {
		if !rules[f.ID] {
			rules[f.ID] = true
			rule := sarifRule{ID: f.ID, Name: "VulnerableDependency",
				ShortDescription: sarifText{fmt.Sprintf("%s in %s", f.ID, f.Name)},
				FullDescription:  sarifText{nonEmpty(f.Summary, f.ID)},
				Help:             sarifText{f.Advice},
				Properties:       map[string]any{"tags": []string{"security", "vulnerability", "dependency"}, "aliases": f.Aliases}}
			if f.Score > 0 {
				rule.Properties["security-severity"] = strconv.FormatFloat(f.Score, 'f', 1, 64)
			}
			if r := f.Record(); r != nil && len(r.References) > 0 {
				rule.HelpURI = r.References[0].URL
			}
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
		}
		loc := sarifLocation{LogicalLocations: []sarifLogical{{Name: f.Name, FullyQualifiedName: f.PURL, Kind: "package"}}}
		loc.PhysicalLocation.ArtifactLocation.URI = locate(inv, f.Component, input)
		loc.PhysicalLocation.Region.StartLine = 1
		sum := sha256.Sum256([]byte(f.Component + "\x00" + f.ID))
		var sup []sarifSuppression
		if f.Suppressed() {
			sup = []sarifSuppression{{Kind: "external", Status: "accepted",
				Justification: strings.TrimSpace(f.VEX.Status + " " + f.VEX.Justification + " " + f.VEX.ImpactStatement + " (" + f.VEX.Source + ")")}}
		}
		run.Results = append(run.Results, sarifResult{
			Suppressions: sup,
			RuleID:       f.ID, Level: level(f.Rating()),
			Message: sarifText{fmt.Sprintf("%s %s is affected by %s (%s): %s. %s.", f.Name, f.Version, f.ID,
				f.Severity, nonEmpty(f.Summary, "see the advisory"), f.Advice)},
			Locations:           []sarifLocation{loc},
			PartialFingerprints: map[string]string{"pysbomFinding/v1": fmt.Sprintf("%x", sum[:16])},
		})
	}
	sort.Slice(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
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
