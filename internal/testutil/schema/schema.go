// Package schema validates documents in tests against the official JSON
// schemas kept in ../shared/corpus/formats. Tests skip, with a message,
// when the corpus is not present.
package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Kind names a schema.
type Kind string

// Schemas known to the helper.
const (
	SPDX23      Kind = "spdx-2.3"
	CycloneDX14 Kind = "cyclonedx-1.4"
	CycloneDX15 Kind = "cyclonedx-1.5"
	CycloneDX16 Kind = "cyclonedx-1.6"
	OpenVEX020  Kind = "openvex-0.2.0"
	// CSAF20 is CSAF 2.0 with the CVSS sub-schemas it references (not in
	// the corpus) accepted as they are: documents under test carry no
	// scores.
	CSAF20 Kind = "csaf-2.0"
)

// CorpusDir returns ../shared/corpus relative to the repository root.
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "corpus")
}

var (
	mu       sync.Mutex
	compiled = map[Kind]*jsonschema.Schema{}
)

func load(t testing.TB, kind Kind) *jsonschema.Schema {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[kind]; ok {
		return s
	}
	formats := filepath.Join(CorpusDir(), "formats")
	var main string
	extra := map[string]string{}
	switch kind {
	case SPDX23:
		main = filepath.Join(formats, "spdx", "spdx-2.3-schema.json")
	case CycloneDX14, CycloneDX15, CycloneDX16:
		dir := filepath.Join(formats, "cyclonedx", "schema")
		main = filepath.Join(dir, "bom-"+string(kind)[len("cyclonedx-"):]+".schema.json")
		extra["http://cyclonedx.org/schema/spdx.schema.json"] = filepath.Join(dir, "spdx.schema.json")
		extra["http://cyclonedx.org/schema/jsf-0.82.schema.json"] = filepath.Join(dir, "jsf-0.82.schema.json")
	case OpenVEX020:
		main = filepath.Join(CorpusDir(), "vex", "openvex", "openvex_json_schema.json")
	case CSAF20:
		main = filepath.Join(CorpusDir(), "vex", "csaf", "csaf_json_schema-2.0.json")
	}
	if _, err := os.Stat(main); err != nil {
		t.Skipf("official schema not present (%v); it comes with ../shared/corpus/formats", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	add := func(url, file string) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("schema %s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("schema %s: %v", file, err)
		}
	}
	for url, file := range extra {
		add(url, file)
	}
	if kind == CSAF20 {
		for _, v := range []string{"2.0", "3.0", "3.1"} {
			if err := c.AddResource("https://www.first.org/cvss/cvss-v"+v+".json", map[string]any{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("file://"+main, main)
	s, err := c.Compile("file://" + main)
	if err != nil {
		t.Fatalf("compile %s: %v", main, err)
	}
	compiled[kind] = s
	return s
}

// Validate fails the test when doc does not validate against the schema.
func Validate(t testing.TB, kind Kind, doc []byte) {
	t.Helper()
	if err := Check(t, kind, doc); err != nil {
		t.Errorf("document does not validate against %s: %v", kind, err)
	}
}

// Check returns the validation error, if any.
func Check(t testing.TB, kind Kind, doc []byte) error {
	t.Helper()
	s := load(t, kind)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
