// Package schemas holds the official JSON schemas pysbom validates SBOMs
// against, embedded in the binary. They come from the Go module proxy
// (see gen.go, run by go generate), never from a network at run time.
package schemas

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:generate go run gen.go

//go:embed *.json
var files embed.FS

// Kind names a schema.
type Kind string

// The schemas available.
const (
	SPDX22      Kind = "spdx-2.2"
	SPDX23      Kind = "spdx-2.3"
	CycloneDX14 Kind = "cyclonedx-1.4"
	CycloneDX15 Kind = "cyclonedx-1.5"
	CycloneDX16 Kind = "cyclonedx-1.6"
)

var mainFile = map[Kind]string{
	SPDX22: "spdx-2.2.schema.json", SPDX23: "spdx-2.3.schema.json", CycloneDX14: "bom-1.4.schema.json",
	CycloneDX15: "bom-1.5.schema.json", CycloneDX16: "bom-1.6.schema.json",
}

// File returns the raw schema document of kind.
func File(kind Kind) ([]byte, error) {
	name, ok := mainFile[kind]
	if !ok {
		return nil, fmt.Errorf("no schema %q", kind)
	}
	return files.ReadFile(name)
}

var (
	mu       sync.Mutex
	compiled = map[Kind]*jsonschema.Schema{}
)

// Load returns the compiled schema of kind, with format assertions on.
func Load(kind Kind) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[kind]; ok {
		return s, nil
	}
	name, ok := mainFile[kind]
	if !ok {
		return nil, fmt.Errorf("no schema %q", kind)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	add := func(url, file string) error {
		data, err := files.ReadFile(file)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return err
		}
		return c.AddResource(url, doc)
	}
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	} {
		if err := add(url, file); err != nil {
			return nil, err
		}
	}
	if err := add("embedded:"+name, name); err != nil {
		return nil, err
	}
	s, err := c.Compile("embedded:" + name)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", name, err)
	}
	compiled[kind] = s
	return s, nil
}
