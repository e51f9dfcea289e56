package sarif

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/jsontest"
)

// whole is what encoding/json writes for the whole log.
func whole(t *testing.T, run Run) []byte {
	t.Helper()
	if run.Results == nil {
		run.Results = []Result{}
	}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []Rule{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Log{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []Run{run}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestEncodeMatchesWhole: the streamed log is encoding/json's, with no
// results, one, and many with tricky strings (one of them naming the
// results' own key, which must not be taken for their place).
func TestEncodeMatchesWhole(t *testing.T) {
	runs := []Run{{}, {Tool: Tool{Driver: Driver{Name: "pysbom", Rules: []Rule{{ID: `"results": []`, Properties: map[string]any{"tags": []string{"a"}}}}}}}}
	many := Run{Tool: Tool{Driver: Driver{Name: "pysbom", Version: "1"}}}
	for _, s := range jsontest.Tricky {
		many.Results = append(many.Results, Result{RuleID: s, Level: "error", Message: Text{s},
			Locations:           []Location{{LogicalLocations: []Logical{{Name: s, Kind: "package"}}}},
			PartialFingerprints: map[string]string{"k": s}})
	}
	one := many
	one.Results = many.Results[:1]
	for _, run := range append(runs, one, many) {
		var got bytes.Buffer
		if err := Encode(&got, run); err != nil {
			t.Fatal(err)
		}
		if want := whole(t, run); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("Encode differs from encoding/json:\n got %s\nwant %s", got.Bytes(), want)
		}
	}
}
