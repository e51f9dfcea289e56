package nvd

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/osv"
)

const demo = `{"format": "NVD_CVE", "version": "2.0", "vulnerabilities": [
 {"cve": {"id": "CVE-2099-1", "published": "2099-01-01T00:00:00.000", "lastModified": "2099-01-02T00:00:00.000", "vulnStatus": "Analyzed",
   "descriptions": [{"lang": "es", "value": "no"}, {"lang": "en", "value": "First sentence. Second."}],
   "metrics": {"cvssMetricV31": [{"cvssData": {"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]},
   "configurations": [{"nodes": [{"cpeMatch": [
     {"vulnerable": true, "criteria": "cpe:2.3:a:Expat_Project:libexpat:*:*:*:*:*:*:*:*", "versionEndIncluding": "2.6.3"},
     {"vulnerable": true, "criteria": "cpe:2.3:a:libexpat_project:libexpat:2.7.0:*:*:*:*:*:*:*"},
     {"vulnerable": true, "criteria": "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*"},
     {"vulnerable": false, "criteria": "cpe:2.3:a:python:python:*:*:*:*:*:*:*:*"}]}]}]}},
 {"cve": {"id": "CVE-2099-2", "lastModified": "2099-01-02T00:00:00Z", "vulnStatus": "Rejected",
   "configurations": [{"nodes": [{"cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*"}]}]}]}},
 {"cve": {"id": "CVE-2099-3", "lastModified": "2099-01-02T00:00:00Z", "configurations": []}}]}`

func TestConvert(t *testing.T) {
	if !IsFeed([]byte(demo)) || IsFeed([]byte(`{"id": "PYSEC-1"}`)) {
		t.Fatal("IsFeed")
	}
	recs, err := Convert([]byte(demo), "demo.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2 (one without configurations dropped)", len(recs))
	}
	r := recs[0]
	want := []osv.Affected{
		{Package: osv.Package{Ecosystem: "CPE", Name: "expat_project:libexpat"},
			Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {LastAffected: "2.6.3"}}}}},
		{Package: osv.Package{Ecosystem: "CPE", Name: "libexpat_project:libexpat"}, Versions: []string{"2.7.0"}},
	}
	if diff := cmp.Diff(want, r.Affected); diff != "" {
		t.Errorf("affected (-want +got):\n%s", diff)
	}
	if r.Summary != "First sentence." || r.Modified != "2099-01-02T00:00:00.000Z" || len(r.Severity) != 1 {
		t.Errorf("record = %+v", r)
	}
	if recs[1].Withdrawn == "" {
		t.Error("a rejected CVE is not withdrawn")
	}
	for _, r := range recs {
		if err := r.Check(); err != nil {
			t.Errorf("%s: not a valid OSV record: %v", r.ID, err)
		}
	}
	if _, err := Convert([]byte(`{"format": "OTHER"}`), "x"); !errors.Is(err, ErrFeed) {
		t.Errorf("err = %v", err)
	}
}

func TestProduct(t *testing.T) {
	for cpe, want := range map[string][3]string{
		"cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*": {"openssl:openssl", "3.0.13", "true"},
		"cpe:2.3:a:python:python:*:*:*:*:*:*:*:*":        {"python:python", "", "true"},
		"cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*": {"", "", "false"},
		"cpe:/a:openssl:openssl:1.0":                     {"", "", "false"},
	} {
		p, v, ok := Product(cpe)
		if p != want[0] || v != want[1] || ok != (want[2] == "true") {
			t.Errorf("Product(%s) = %s %s %v", cpe, p, v, ok)
		}
	}
}

func FuzzConvert(f *testing.F) {
	f.Add([]byte(demo))
	f.Add([]byte(`{"format": "NVD_CVE", "vulnerabilities": [{"cve": {}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := Convert(data, "fuzz")
		if err != nil && recs != nil {
			t.Fatal("records with an error")
		}
		for _, r := range recs {
			if err := r.Check(); err != nil {
				t.Fatalf("%s: invalid OSV record: %v", r.ID, err)
			}
		}
	})
}
