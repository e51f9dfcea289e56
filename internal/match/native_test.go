package match

import (
	"testing"

	"github.com/pysbom/pysbom/internal/osv"
)

func TestSemver(t *testing.T) {
	r := &osv.Record{ID: "RUSTSEC-X", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "crates.io", Name: "itoa"},
		Ranges:  []osv.Range{{Type: "SEMVER", Events: []osv.Event{{Introduced: "1.0.0"}, {Fixed: "1.0.12"}, {Introduced: "2.0.0"}, {LastAffected: "2.1.0"}}}},
	}}}
	for v, want := range map[string]bool{"0.9.9": false, "1.0.0": true, "1.0.11": true, "1.0.12": false, "2.0.5": true, "2.1.0": true, "2.1.1": false, "v1.0.3": true} {
		if got := Semver(r, "crates.io", "itoa", v).Affected; got != want {
			t.Errorf("itoa %s: affected = %v, want %v", v, got, want)
		}
	}
	if Semver(r, "Go", "itoa", "1.0.5").Affected || Semver(r, "crates.io", "other", "1.0.5").Affected {
		t.Error("another ecosystem or name matched")
	}
	if m := Semver(r, "crates.io", "itoa", "1.0.5"); m.Fixed != "1.0.12" {
		t.Errorf("fixed = %q", m.Fixed)
	}
	if m := Semver(r, "crates.io", "itoa", "not-a-version"); m.Affected || !m.Unparseable {
		t.Errorf("unparseable version: %+v", m)
	}
}

func TestTag(t *testing.T) {
	r := &osv.Record{ID: "OSV-X", Affected: []osv.Affected{{
		Ranges:   []osv.Range{{Type: "GIT", Repo: "https://github.com/OpenSSL/openssl.git", Events: []osv.Event{{Introduced: "0"}, {Fixed: "abc"}}}},
		Versions: []string{"openssl-3.0.12", "openssl-3.0.13"},
	}}}
	if m := Tag(r, "github.com/openssl/openssl", []string{"openssl-3.0.13", "OpenSSL_3_0_13"}); !m.Affected || m.Fixed != "commit abc" {
		t.Errorf("3.0.13: %+v", m)
	}
	if Tag(r, "github.com/openssl/openssl", []string{"openssl-3.0.14"}).Affected {
		t.Error("3.0.14 matched")
	}
	if Tag(r, "github.com/madler/zlib", []string{"openssl-3.0.13"}).Affected {
		t.Error("another repository matched")
	}
	w := *r
	w.Withdrawn = "2024-01-01T00:00:00Z"
	if Tag(&w, "github.com/openssl/openssl", []string{"openssl-3.0.13"}).Affected {
		t.Error("withdrawn record matched")
	}
}
