package spdx

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

func TestAppendEntriesMatchEncodingJSON(t *testing.T) {
	for _, s := range tricky {
		f := file{SPDXID: "SPDXRef-File-1", FileName: "./" + s, Checksums: []checksum{{"SHA1", "ab"}, {"SHA256", s}},
			LicenseConcluded: noAssertion, CopyrightText: noAssertion}
		for _, comment := range []string{"", s + "x"} {
			f.Comment = comment
			if got, want := string(appendFile(nil, f)), stdJSON(t, f, "    "); got != want {
				t.Errorf("appendFile:\n%s\nwant\n%s", got, want)
			}
		}
		r := relationship{"SPDXRef-" + s, "CONTAINS", s}
		if got, want := string(appendRelationship(nil, r)), stdJSON(t, r, "    "); got != want {
			t.Errorf("appendRelationship:\n%s\nwant\n%s", got, want)
		}
	}
	f := file{SPDXID: "x", Checksums: []checksum{}}
	if got, want := string(appendFile(nil, f)), stdJSON(t, f, "    "); got != want {
		t.Errorf("appendFile without checksums:\n%s\nwant\n%s", got, want)
	}
}
