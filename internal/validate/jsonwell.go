package validate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxJSONFindings bounds the findings of the well-formedness pass.
const maxJSONFindings = 100

// wellFormed finds what encoding/json accepts but the JSON the schemas
// assume (RFC 8259's interoperable JSON) does not: an object with the
// same key twice, whose meaning depends on the reader, and strings that
// are not UTF-8, which decoders silently replace. data has already
// parsed as JSON; each finding names its JSON pointer.
func wellFormed(data []byte) []Finding {
	w := &jsonWalker{data: data}
	w.value()
	return w.out
}

type jsonWalker struct {
	data []byte
	i    int
	path []string
	out  []Finding
}

func (w *jsonWalker) find(format string, args ...any) {
	if len(w.out) < maxJSONFindings {
		w.out = append(w.out, Finding{Check: "json", Severity: Error, Path: "/" + strings.Join(w.path, "/"), Message: fmt.Sprintf(format, args...)})
	}
}

func (w *jsonWalker) space() {
	for w.i < len(w.data) && (w.data[w.i] == ' ' || w.data[w.i] == '\t' || w.data[w.i] == '\n' || w.data[w.i] == '\r') {
		w.i++
	}
}

// value walks one value; it stops quietly at anything malformed (the
// decoder has reported that already).
func (w *jsonWalker) value() bool {
	w.space()
	if w.i >= len(w.data) {
		return false
	}
	switch w.data[w.i] {
	case '{':
		return w.object()
	case '[':
		w.i++
		for n := 0; ; n++ {
			w.space()
			if w.i < len(w.data) && w.data[w.i] == ']' {
				w.i++
				return true
			}
			w.path = append(w.path, strconv.Itoa(n))
			ok := w.value()
			w.path = w.path[:len(w.path)-1]
			if !ok {
				return false
			}
			w.space()
			if w.i < len(w.data) && w.data[w.i] == ',' {
				w.i++
			}
		}
	case '"':
		_, ok := w.str()
		return ok
	default: // a number, true, false or null
		for w.i < len(w.data) && !strings.ContainsRune(",]} \t\r\n", rune(w.data[w.i])) {
			w.i++
		}
		return true
	}
}

func (w *jsonWalker) object() bool {
	w.i++
	seen := map[string]bool{}
	for {
		w.space()
		if w.i >= len(w.data) {
			return false
		}
		if w.data[w.i] == '}' {
			w.i++
			return true
		}
		key, ok := w.str()
		if !ok {
			return false
		}
		if seen[key] {
			w.find("the key %q appears twice in this object; readers disagree on which value counts", key)
		}
		seen[key] = true
		w.space()
		if w.i >= len(w.data) || w.data[w.i] != ':' {
			return false
		}
		w.i++
		w.path = append(w.path, pointerEscape(key))
		ok = w.value()
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
		w.space()
		if w.i < len(w.data) && w.data[w.i] == ',' {
			w.i++
		}
	}
}

// str reads a string at w.i and returns its value, reporting one that
// is not UTF-8.
func (w *jsonWalker) str() (string, bool) {
	start := w.i
	w.i++
	escaped := false
	for ; w.i < len(w.data); w.i++ {
		switch c := w.data[w.i]; {
		case c == '\\':
			escaped = true
			w.i++
		case c == '"':
			raw := w.data[start : w.i+1]
			w.i++
			if !utf8.Valid(raw) {
				w.find("a string that is not UTF-8 (byte %d)", start+firstInvalid(raw))
			}
			if !escaped {
				return string(raw[1 : len(raw)-1]), true
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return string(raw), true
			}
			return s, true
		}
	}
	return "", false
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// pointerEscape escapes a key for a JSON pointer (RFC 6901).
func pointerEscape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
