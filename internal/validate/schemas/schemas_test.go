package schemas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"testing"
)

func corpus(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "corpus", "formats")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("official schemas not present in ../shared/corpus/formats")
	}
	return dir
}

// strip drops what does not affect validation.
func strip(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			switch k {
			case "description", "$comment", "deprecated", "examples", "title", "meta:enum":
				continue
			case "additionalItems":
				// Without a tuple "items" it has no effect (draft-07).
				if _, tuple := v["items"].([]any); !tuple {
					continue
				}
			}
			out[k] = strip(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = strip(e)
		}
		return out
	}
	return x
}

// sortEnums orders every "enum" list: order does not change a verdict.
func sortEnums(x any) {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if l, ok := e.([]any); ok && k == "enum" {
				sort.Slice(l, func(i, j int) bool { return fmt.Sprint(l[i]) < fmt.Sprint(l[j]) })
			}
			sortEnums(e)
		}
	case []any:
		for _, e := range v {
			sortEnums(e)
		}
	}
}

func TestEqualToPublished(t *testing.T) {
	dir := corpus(t)
	pairs := map[string]string{
		"spdx-2.3.schema.json": "spdx/spdx-2.3-schema.json",
		"spdx-2.2.schema.json": "spdx/spdx-2.2.2-schema.json",
		"bom-1.4.schema.json":  "cyclonedx/schema/bom-1.4.schema.json",
		"bom-1.5.schema.json":  "cyclonedx/schema/bom-1.5.schema.json",
		"bom-1.6.schema.json":  "cyclonedx/schema/bom-1.6.schema.json",
		"spdx.schema.json":     "cyclonedx/schema/spdx.schema.json",
		"jsf-0.82.schema.json": "cyclonedx/schema/jsf-0.82.schema.json",
	}
	for ours, official := range pairs {
		a, _ := files.ReadFile(ours)
		b, err := os.ReadFile(filepath.Join(dir, official))
		if err != nil {
			t.Fatal(err)
		}
		var x, y any
		if err := json.Unmarshal(a, &x); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(b, &y)
		if ours == "spdx.schema.json" {
			// The license list: ours must accept every ID the published one does.
			mine := map[string]bool{}
			for _, id := range x.(map[string]any)["enum"].([]any) {
				mine[id.(string)] = true
			}
			for _, id := range y.(map[string]any)["enum"].([]any) {
				if !mine[id.(string)] {
					t.Errorf("license ID %s of the published schema is missing", id)
				}
			}
			delete(x.(map[string]any), "enum")
			delete(y.(map[string]any), "enum")
		}
		sx, sy := strip(x), strip(y)
		sortEnums(sx)
		sortEnums(sy)
		if !reflect.DeepEqual(sx, sy) {
			t.Errorf("%s differs from the published %s in more than descriptions", ours, official)
		}
	}
	for _, k := range []Kind{SPDX22, SPDX23, CycloneDX14, CycloneDX15, CycloneDX16} {
		if _, err := Load(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if _, err := Load("nope"); err == nil {
		t.Error(fmt.Sprint("unknown kind loaded"))
	}
}
