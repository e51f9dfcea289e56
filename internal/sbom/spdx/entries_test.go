package spdx

import (
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/jsontest"
)

func TestAppendEntriesMatchEncodingJSON(t *testing.T) {
	for _, s := range jsontest.Tricky {
		f := file{SPDXID: "SPDXRef-File-1", FileName: "./" + s, Checksums: []checksum{{"SHA1", "ab"}, {"SHA256", s}},
			LicenseConcluded: noAssertion, CopyrightText: noAssertion}
		for _, comment := range []string{"", s + "x"} {
			f.Comment = comment
			if got, want := string(appendFile(nil, f)), jsontest.Std(t, f, "    "); got != want {
				t.Errorf("appendFile:\n%s\nwant\n%s", got, want)
			}
		}
		r := relationship{"SPDXRef-" + s, "CONTAINS", s}
		if got, want := string(appendRelationship(nil, r)), jsontest.Std(t, r, "    "); got != want {
			t.Errorf("appendRelationship:\n%s\nwant\n%s", got, want)
		}
	}
	f := file{SPDXID: "x", Checksums: []checksum{}}
	if got, want := string(appendFile(nil, f)), jsontest.Std(t, f, "    "); got != want {
		t.Errorf("appendFile without checksums:\n%s\nwant\n%s", got, want)
	}
}
