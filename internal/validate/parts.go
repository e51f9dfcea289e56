package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pysbom/pysbom/internal/jsonstream"
	"github.com/pysbom/pysbom/internal/validate/schemas"
)

// cdxStreamed are the arrays of a CycloneDX document checked an element
// at a time, in this order (spdxStreamed are SPDX's), so that a document
// of a million components costs its bytes and what is kept of each
// component (its identifier, counts), never the JSON tree of the whole.
var cdxStreamed = []string{"components", "services", "dependencies", "vulnerabilities"}

// streamed are the top-level arrays split out of a document of either
// format.
var streamed = append(slices.Clone(cdxStreamed), spdxStreamed...)

// span is where one element sits in the document.
type span struct{ start, end int64 }

// inParts checks a CycloneDX or SPDX JSON document in parts: its top,
// with the streamed arrays empty, against the schema; then each element
// of those arrays against the schema of the array's items (uniqueItems
// by hashes of the elements), and the semantic checks an element at a
// time. ok is false when data is neither, for Document to say what it is.
func inParts(data []byte, name string) (r *Report, ok bool, err error) {
	top, parts, err := split(data)
	if err != nil {
		return nil, true, fmt.Errorf("%s: not valid JSON: %s", name, jsonError(data, err))
	}
	r = &Report{File: name, Encoding: "JSON"}
	var kind schemas.Kind
	var order []string
	switch {
	case top["bomFormat"] == "CycloneDX":
		r.Format, order = "CycloneDX", cdxStreamed
		r.Version, _ = top["specVersion"].(string)
		kind = cyclonedxSchemas[r.Version]
	case top["bomFormat"] == nil && top["spdxVersion"] != nil:
		r.Format, order = "SPDX", spdxStreamed
		v, _ := top["spdxVersion"].(string)
		r.Version = strings.TrimPrefix(v, "SPDX-")
		kind = spdxSchemas[r.Version]
	default:
		return nil, false, nil
	}
	var s *jsonschema.Schema
	if kind != "" {
		r.SchemaChecked = true
		if s, err = schemas.Load(kind); err != nil {
			return nil, true, err
		}
	}
	for key := range parts {
		top[key] = []any{}
	}
	var found []Finding
	if s != nil {
		found = schemaFindings(s.Validate(top))
	}
	var element func(key string, i int, v map[string]any)
	var finish func()
	if r.Format == "CycloneDX" {
		c := newCDXChecker(r, top)
		element, finish = func(key string, i int, v map[string]any) {
			switch key {
			case "components":
				c.component(v, "/components/"+strconv.Itoa(i))
			case "services":
				c.service(v, i)
			case "dependencies":
				c.dependency(v, i)
			}
		}, c.finish
	} else {
		c := newSPDXChecker(r, top)
		element, finish = c.element, c.finish
	}
	for _, key := range order {
		spans, ok := parts[key]
		if !ok {
			continue
		}
		var items *jsonschema.Schema
		unique := false
		if s != nil && s.Properties[key] != nil {
			items, _ = s.Properties[key].Items.(*jsonschema.Schema)
			unique = s.Properties[key].UniqueItems
		}
		var hashes []elementHash
		for i, sp := range spans {
			v, err := decodeValue(data[sp.start:sp.end])
			if err != nil {
				return nil, true, fmt.Errorf("%s: not valid JSON: %s", name, jsonError(data, err))
			}
			if items != nil {
				path := "/" + key + "/" + strconv.Itoa(i)
				for _, f := range schemaFindings(items.Validate(v)) {
					f.Path = path + strings.TrimSuffix(f.Path, "/")
					found = append(found, f)
				}
			}
			if unique {
				hashes = append(hashes, elementHash{hashValue(v), i})
			}
			element(key, i, obj(v))
		}
		if i, j, dup := firstDuplicate(hashes); dup {
			found = append(found, Finding{Check: "schema", Severity: Error, Path: "/" + key, Message: fmt.Sprintf("items at %d and %d are equal", i, j)})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Path < found[j].Path })
	r.Schema = append(wellFormed(data), slices.Compact(found)...)
	finish()
	sort.SliceStable(r.Semantic, func(i, j int) bool { return r.Semantic[i].Path < r.Semantic[j].Path })
	return r, true, nil
}

// split reads the top-level object of data (Document has seen it starts
// with '{'): the value of every key but the streamed arrays, and where
// each element of those arrays sits. A key given twice keeps its last
// value, as a JSON decoder does (wellFormed reports the duplicate).
func split(data []byte) (top map[string]any, parts map[string][]span, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	top, parts = map[string]any{}, map[string][]span{}
	var raw json.RawMessage
	err = jsonstream.Object(dec, func(key string) error {
		delete(parts, key)
		if slices.Contains(streamed, key) && nextIsArray(data, dec.InputOffset()) {
			delete(top, key)
			spans := []span{}
			err := jsonstream.Array(dec, func() error {
				raw = raw[:0]
				if err := dec.Decode(&raw); err != nil {
					return err
				}
				end := dec.InputOffset()
				spans = append(spans, span{end - int64(len(raw)), end})
				return nil
			})
			parts[key] = spans
			return err
		}
		var v any
		err := dec.Decode(&v)
		top[key] = v
		return err
	})
	if err == nil {
		err = jsonstream.End(dec)
	}
	if err != nil {
		return nil, nil, truncated(err)
	}
	return top, parts, nil
}

// truncated is err, an end of input met inside the document said as such
// (jsonError words it).
func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// nextIsArray reports whether the value after a key read up to offset is
// an array.
func nextIsArray(data []byte, offset int64) bool {
	for i := offset; i < int64(len(data)); i++ {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ':':
			continue
		case '[':
			return true
		}
		return false
	}
	return false
}

func decodeValue(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// elementHash is the hash of one element of an array, and its index.
type elementHash struct {
	sum [16]byte
	i   int
}

// firstDuplicate finds the pair of equal elements the schema validator
// reports: the first element equal to one before it, and the first of
// those. Equal hashes of 128 bits stand for equal elements.
func firstDuplicate(hs []elementHash) (i, j int, found bool) {
	slices.SortFunc(hs, func(a, b elementHash) int {
		if c := bytes.Compare(a.sum[:], b.sum[:]); c != 0 {
			return c
		}
		return a.i - b.i
	})
	for k := 1; k < len(hs); k++ {
		if hs[k].sum == hs[k-1].sum && (!found || hs[k].i < j) && (k == 1 || hs[k-2].sum != hs[k].sum) {
			i, j, found = hs[k-1].i, hs[k].i, true
		}
	}
	return i, j, found
}

// hashValue hashes a JSON value as the schema's equality sees it: object
// keys in any order, numbers by their value.
func hashValue(v any) [16]byte {
	h := fnv.New128a()
	var write func(v any)
	write = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			h.Write([]byte{'{'})
			for _, k := range keys {
				h.Write([]byte(strconv.Quote(k)))
				write(v[k])
			}
			h.Write([]byte{'}'})
		case []any:
			h.Write([]byte{'['})
			for _, e := range v {
				write(e)
			}
			h.Write([]byte{']'})
		case json.Number:
			if r, ok := new(big.Rat).SetString(string(v)); ok {
				// The value as a fraction in lowest terms, in binary: no
				// decimal string of a million digits for 1e999999.
				fmt.Fprintf(h, "n%d/%x/%x;", r.Sign(), r.Num().Bytes(), r.Denom().Bytes())
			} else {
				h.Write([]byte("n" + string(v)))
			}
		case string:
			h.Write([]byte(strconv.Quote(v)))
		default:
			fmt.Fprintf(h, "%v;", v)
		}
	}
	write(v)
	var out [16]byte
	h.Sum(out[:0])
	return out
}
