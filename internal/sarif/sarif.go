// Package sarif is the subset of the SARIF 2.1.0 object model pysbom
// writes (the results of scan and audit), and its encoder.
//
// [SARIF 2.1.0]: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
package sarif

import (
	"encoding/json"
	"io"
)

// Log is a SARIF log with its runs.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool's run.
type Run struct {
	Tool    Tool     `json:"tool"`
	Results []Result `json:"results"`
}

// Tool describes the producer.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool component with its rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	InformationURI string `json:"informationUri"`
	Rules          []Rule `json:"rules"`
}

// Text is a message string.
type Text struct {
	Text string `json:"text"`
}

// Rule is a reportingDescriptor.
type Rule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ShortDescription Text           `json:"shortDescription"`
	FullDescription  Text           `json:"fullDescription"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Help             Text           `json:"help"`
	Properties       map[string]any `json:"properties"`
}

// Result is one result of a rule.
type Result struct {
	RuleID              string            `json:"ruleId"`
	Level               string            `json:"level"`
	Message             Text              `json:"message"`
	Locations           []Location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []Suppression     `json:"suppressions,omitempty"`
}

// Suppression records why a result is not acted on (a VEX statement).
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// Location is where a result is.
type Location struct {
	PhysicalLocation Physical  `json:"physicalLocation"`
	LogicalLocations []Logical `json:"logicalLocations,omitempty"`
}

// Physical is a file location.
type Physical struct {
	ArtifactLocation struct {
		URI string `json:"uri"`
	} `json:"artifactLocation"`
	Region struct {
		StartLine int `json:"startLine"`
	} `json:"region"`
}

// At returns the physical location of line 1 of uri.
func At(uri string) Physical {
	var p Physical
	p.ArtifactLocation.URI = uri
	p.Region.StartLine = 1
	return p
}

// Logical is a named, non-file location (a package).
type Logical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind"`
}

// Encode writes one run as an indented SARIF 2.1.0 log.
func Encode(w io.Writer, run Run) error {
	if run.Results == nil {
		run.Results = []Result{}
	}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []Rule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Log{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []Run{run}})
}
