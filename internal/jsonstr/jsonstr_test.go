package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

func stdJSON(t *testing.T, v any, prefix string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

var tricky = []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x00\x1f\x7f", "na\xefve", "<&>", "\u2028\u2029", "日本語", "\xed\xa0\x80", "émoji 🐍"}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range tricky {
		if got, want := string(Append(nil, s)), stdJSON(t, s, ""); got != want {
			t.Errorf("Append(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), stdJSON(t, s, ""); got != want {
			t.Fatalf("Append(%q) = %s, want %s", s, got, want)
		}
	})
}
