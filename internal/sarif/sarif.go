// Package sarif is the subset of the SARIF 2.1.0 object model pysbom
// writes (the results of scan and audit), and its encoder.
//
// [SARIF 2.1.0]: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Log is a SARIF log with its runs.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool's run. Results must stay the last field (Encode).
type Run struct {
	Tool        Tool         `json:"tool"`
	Invocations []Invocation `json:"invocations,omitempty"`
	Results     []Result     `json:"results"`
}

// Invocation is the run of the tool, with what it has to say about it
// beside the results (what it could not examine).
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification is a message about the run, not a result.
type Notification struct {
	Level     string     `json:"level"`
	Message   Text       `json:"message"`
	Locations []Location `json:"locations,omitempty"`
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
	Properties          map[string]any    `json:"properties,omitempty"`
}

// Suppression records why a result is not acted on (a VEX statement).
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// Location is where a result is.
type Location struct {
	PhysicalLocation *Physical `json:"physicalLocation,omitempty"`
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
func At(uri string) *Physical {
	p := &Physical{}
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

// Encode writes one run as an indented SARIF 2.1.0 log: the bytes
// encoding/json writes for the whole log (tested), but the results, a
// large scan's tens of thousands, are encoded one at a time into the
// skeleton instead of all at once and then indented.
func Encode(w io.Writer, run Run) error {
	results := run.Results
	run.Results = []Result{}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []Rule{}
	}
	var skel bytes.Buffer
	enc := json.NewEncoder(&skel)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Log{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []Run{run}}); err != nil {
		return err
	}
	b := skel.Bytes()
	if len(results) == 0 {
		_, err := w.Write(b)
		return err
	}
	// The results are the run's last field: the last "[]" is theirs.
	const empty = `"results": []`
	i := bytes.LastIndex(b, []byte(empty))
	if i < 0 {
		return errors.New("sarif: the results' place not found in the log")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(b[:i+len(empty)-1])
	var one bytes.Buffer
	re := json.NewEncoder(&one)
	re.SetIndent("        ", "  ")
	re.SetEscapeHTML(false)
	for k, r := range results {
		one.Reset()
		if err := re.Encode(r); err != nil {
			return err
		}
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n        ")
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n      ]")
	bw.Write(b[i+len(empty):])
	return bw.Flush()
}
