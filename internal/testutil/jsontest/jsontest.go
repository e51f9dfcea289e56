// Package jsontest helps test hand-written JSON writers against
// encoding/json.
package jsontest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Std is what encoding/json writes for v (no HTML escaping, indented by
// two spaces after prefix), without the final newline.
func Std(t testing.TB, v any, prefix string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// Tricky are strings a JSON string writer gets wrong most easily:
// quotes and backslashes, control characters, invalid UTF-8, HTML
// characters, U+2028/U+2029, multi-byte characters, a surrogate half.
var Tricky = []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x00\x1f\x7f", "na\xefve", "<&>", "\u2028\u2029", "日本語", "\xed\xa0\x80", "émoji 🐍"}
