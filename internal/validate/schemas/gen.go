//go:build ignore

// gen fetches the JSON schemas pysbom validates against from the Go module
// proxy and brings them to the published revisions with a few patches
// written here. Run with: go generate ./internal/validate/schemas
//
// Sources: the official CycloneDX schemas as shipped in
// github.com/CycloneDX/cyclonedx-go (Apache-2.0), and the SPDX 2.3 JSON
// schema as shipped in github.com/anchore/syft (the SPDX project's schema,
// CC-BY-3.0 / Apache-2.0). Both are slightly older revisions than the ones
// published by the specifications; the patches below close the gaps that
// change verdicts, and schemas_test.go proves the result equals the
// published schemas except for descriptions.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type source struct {
	module, file, out string
	patches           []patch
}

// patch sets the value at a JSON pointer.
type patch struct {
	pointer string
	value   any
}

var sources = []source{
	{"github.com/CycloneDX/cyclonedx-go@v0.12.0", "schema/bom-1.4.schema.json", "bom-1.4.schema.json", nil},
	{"github.com/CycloneDX/cyclonedx-go@v0.12.0", "schema/bom-1.5.schema.json", "bom-1.5.schema.json", []patch{
		// CycloneDX 1.5 as published makes "version" optional...
		{"/required", []any{"bomFormat", "specVersion"}},
		// ...and lets a license expression carry a bom-ref.
		{"/definitions/licenseChoice/oneOf/1/items/0/properties/bom-ref", map[string]any{"$ref": "#/definitions/refType"}},
		// (The published schema also repeats the array type in each branch.)
		{"/definitions/licenseChoice/oneOf/0/type", "array"},
		{"/definitions/licenseChoice/oneOf/1/type", "array"},
	}},
	{"github.com/CycloneDX/cyclonedx-go@v0.12.0", "schema/bom-1.6.schema.json", "bom-1.6.schema.json", []patch{
		// A model card's dataset reference is a string.
		{"/definitions/modelCard/properties/modelParameters/properties/datasets/items/oneOf/1/properties/ref/type", "string"},
	}},
	{"github.com/CycloneDX/cyclonedx-go@v0.12.0", "schema/spdx.schema.json", "spdx.schema.json", []patch{
		// The module's license list is older than the published schema's:
		// take the union with the SPDX license list in go-spdx.
		{"/enum", licenseIDs},
	}},
	{"github.com/CycloneDX/cyclonedx-go@v0.12.0", "schema/jsf-0.82.schemax.json", "jsf-0.82.schema.json", nil}, // sic: the module misnames it
	{"github.com/anchore/syft@v1.57.1", "schema/spdx-json/spdx-schema-2.3.json", "spdx-2.3.schema.json", []patch{
		// SPDX 2.3 as published is a draft 2019-09 schema and allows "$schema".
		{"/$schema", "https://json-schema.org/draft/2019-09/schema"},
		{"/properties/$schema", map[string]any{"type": "string"}},
	}},
}

// licenseIDs marks the patch whose value is computed: the license IDs.
var licenseIDs = struct{}{}

func main() {
	dirs := map[string]string{}
	for _, s := range sources {
		if dirs[s.module] == "" {
			out, err := exec.Command("go", "mod", "download", "-json", s.module).Output()
			if err != nil {
				fail("go mod download %s: %v", s.module, err)
			}
			var info struct{ Dir, Error string }
			if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
				fail("go mod download %s: %s", s.module, info.Error)
			}
			dirs[s.module] = info.Dir
		}
		data, err := os.ReadFile(filepath.Join(dirs[s.module], s.file))
		if err != nil {
			fail("%v", err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			fail("%s: %v", s.file, err)
		}
		for _, p := range s.patches {
			if p.value == licenseIDs {
				p.value = unionIDs(doc.(map[string]any)["enum"].([]any))
			}
			if err := set(doc, p.pointer, p.value); err != nil {
				fail("%s: patch %s: %v", s.out, p.pointer, err)
			}
		}
		if len(s.patches) > 0 {
			if data, err = json.MarshalIndent(doc, "", "  "); err != nil {
				fail("%v", err)
			}
			data = append(data, '\n')
		}
		if err := os.WriteFile(s.out, data, 0o644); err != nil {
			fail("%v", err)
		}
		fmt.Printf("%s <- %s/%s (%d patches)\n", s.out, s.module, s.file, len(s.patches))
		if s.out == "spdx-2.3.schema.json" {
			writeSPDX22(doc.(map[string]any))
		}
	}
}

// writeSPDX22 derives the SPDX 2.2 schema from the 2.3 one by undoing
// what SPDX 2.3 changed (SPDX 2.3 specification, Annex I "Changes from
// 2.2"): the fields it made optional, the package fields and checksum
// algorithms and relationship types it added, and the draft it uses.
func writeSPDX22(doc map[string]any) {
	data, _ := json.Marshal(doc)
	var d map[string]any
	json.Unmarshal(data, &d) // a deep copy
	props := func(path ...string) map[string]any {
		cur := d
		for _, p := range path {
			cur = cur[p].(map[string]any)
		}
		return cur
	}
	d["$id"] = "http://spdx.org/rdf/terms"
	d["$schema"] = "http://json-schema.org/draft-07/schema#"
	delete(props("properties"), "$schema")
	d["required"] = []any{"SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion"}
	pkg := props("properties", "packages", "items")
	for _, f := range []string{"builtDate", "primaryPackagePurpose", "releaseDate", "validUntilDate"} {
		delete(pkg["properties"].(map[string]any), f)
	}
	pkg["required"] = []any{"SPDXID", "copyrightText", "downloadLocation", "licenseConcluded", "licenseDeclared", "name"}
	file := props("properties", "files", "items")
	file["required"] = []any{"SPDXID", "checksums", "copyrightText", "fileName", "licenseConcluded", "licenseInfoInFiles"}
	props("properties", "files", "items", "properties", "licenseInfoInFiles")["minItems"] = 1.0
	props("properties", "snippets", "items")["required"] = []any{"SPDXID", "copyrightText", "licenseConcluded", "name", "ranges", "snippetFromFile"}
	added := map[string]bool{"BLAKE3": true, "SHA3-256": true, "SHA3-384": true, "SHA3-512": true, "BLAKE2b-256": true,
		"BLAKE2b-384": true, "BLAKE2b-512": true, "ADLER32": true, "REQUIREMENT_DESCRIPTION_FOR": true, "SPECIFICATION_FOR": true}
	drop := func(m map[string]any) {
		var kept []any
		for _, v := range m["enum"].([]any) {
			if !added[v.(string)] {
				kept = append(kept, v)
			}
		}
		m["enum"] = kept
	}
	drop(props("properties", "externalDocumentRefs", "items", "properties", "checksum", "properties", "algorithm"))
	drop(props("properties", "files", "items", "properties", "checksums", "items", "properties", "algorithm"))
	drop(props("properties", "packages", "items", "properties", "checksums", "items", "properties", "algorithm"))
	drop(props("properties", "relationships", "items", "properties", "relationshipType"))
	out, _ := json.MarshalIndent(d, "", "  ")
	if err := os.WriteFile("spdx-2.2.schema.json", append(out, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	fmt.Println("spdx-2.2.schema.json <- spdx-2.3.schema.json (SPDX 2.3's changes undone)")
}

func set(doc any, pointer string, value any) error {
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	cur := doc
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = value
				return nil
			}
			next, ok := c[p]
			if !ok {
				return fmt.Errorf("no %q", p)
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n >= len(c) {
				return fmt.Errorf("bad index %q", p)
			}
			if last {
				c[n] = value
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("%q is not an object or array", p)
		}
	}
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gen: "+format+"\n", args...)
	os.Exit(1)
}

// unionIDs adds the license, exception and deprecated IDs of go-spdx's
// SPDX license list to old, sorted.
func unionIDs(old []any) []any {
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/github/go-spdx/v2@v2.8.0").Output()
	if err != nil {
		fail("go mod download go-spdx: %v", err)
	}
	var info struct{ Dir string }
	json.Unmarshal(out, &info)
	seen := map[string]bool{}
	for _, id := range old {
		seen[id.(string)] = true
	}
	idRE := regexp.MustCompile(`(?m)^\s*"([^"]+)",\s*$`)
	for _, f := range []string{"get_licenses.go", "get_exceptions.go", "get_deprecated.go"} {
		src, err := os.ReadFile(filepath.Join(info.Dir, "spdxexp", "spdxlicenses", f))
		if err != nil {
			fail("%v", err)
		}
		for _, m := range idRE.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	res := make([]any, len(ids))
	for i, id := range ids {
		res[i] = id
	}
	return res
}
