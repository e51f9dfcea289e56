// Package nvd reads NVD CVE JSON 2.0 feeds ("format": "NVD_CVE") and turns
// each CVE into an OSV record whose affected packages are CPE products:
// ecosystem "CPE", name "vendor:product", with the cpeMatch version bounds
// as an ECOSYSTEM range and exact versions in versions[]. The vulnerability
// database stores them beside OSV records; a scan uses them only when asked
// (CPE matching is prone to false positives: specs/vulnerability-matching.md).
//
// Only application CPEs ("cpe:2.3:a:...") of vulnerable matches are kept.
// A versionStartExcluding bound has no OSV equivalent; such a match is
// dropped rather than widened.
package nvd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// Ecosystem is the OSV ecosystem name of CPE products.
const Ecosystem = "CPE"

// IsFeed reports whether data looks like an NVD CVE JSON 2.0 feed.
func IsFeed(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte(`"NVD_CVE"`)) && bytes.Contains(data, []byte(`"vulnerabilities"`))
}

type feed struct {
	Format          string `json:"format"`
	Vulnerabilities []struct {
		CVE struct {
			ID           string `json:"id"`
			Published    string `json:"published"`
			LastModified string `json:"lastModified"`
			Status       string `json:"vulnStatus"`
			Descriptions []struct {
				Lang  string `json:"lang"`
				Value string `json:"value"`
			} `json:"descriptions"`
			Metrics map[string][]struct {
				CVSS struct {
					Vector string `json:"vectorString"`
				} `json:"cvssData"`
			} `json:"metrics"`
			Configurations []struct {
				Nodes []struct {
					CPEMatch []struct {
						Vulnerable            bool   `json:"vulnerable"`
						Criteria              string `json:"criteria"`
						VersionStartIncluding string `json:"versionStartIncluding"`
						VersionStartExcluding string `json:"versionStartExcluding"`
						VersionEndIncluding   string `json:"versionEndIncluding"`
						VersionEndExcluding   string `json:"versionEndExcluding"`
					} `json:"cpeMatch"`
				} `json:"nodes"`
			} `json:"configurations"`
			References []struct {
				URL string `json:"url"`
			} `json:"references"`
		} `json:"cve"`
	} `json:"vulnerabilities"`
}

// ErrFeed is wrapped by the errors of Convert.
var ErrFeed = errors.New("not an NVD CVE JSON 2.0 feed")

// Product splits a CPE 2.3 name into "vendor:product" and its version
// ("*" and "-" are any version). ok is false for anything but an
// application CPE.
func Product(cpe string) (product, version string, ok bool) {
	f := strings.Split(cpe, ":")
	if len(f) < 6 || f[0] != "cpe" || f[1] != "2.3" || f[2] != "a" {
		return "", "", false
	}
	v := f[5]
	if v == "*" || v == "-" {
		v = ""
	}
	return strings.ToLower(f[3] + ":" + f[4]), strings.ReplaceAll(v, `\`, ""), true
}

// Convert turns a feed into OSV records; name is used in errors.
func Convert(data []byte, name string) ([]*osv.Record, error) {
	var fd feed
	if err := json.Unmarshal(data, &fd); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrFeed, err)
	}
	if fd.Format != "NVD_CVE" {
		return nil, fmt.Errorf("%s: %w: format %q", name, ErrFeed, fd.Format)
	}
	var out []*osv.Record
	for _, v := range fd.Vulnerabilities {
		c := v.CVE
		if c.ID == "" || c.LastModified == "" {
			continue
		}
		r := &osv.Record{ID: c.ID, Modified: timestamp(c.LastModified), Published: timestamp(c.Published)}
		if c.Status == "Rejected" {
			r.Withdrawn = r.Modified
		}
		for _, d := range c.Descriptions {
			if d.Lang == "en" {
				r.Details = d.Value
				r.Summary = firstSentence(d.Value)
			}
		}
		for _, key := range []string{"cvssMetricV40", "cvssMetricV31", "cvssMetricV30"} {
			for _, m := range c.Metrics[key] {
				if m.CVSS.Vector != "" {
					typ := map[string]string{"cvssMetricV40": "CVSS_V4"}[key]
					if typ == "" {
						typ = "CVSS_V3"
					}
					r.Severity = append(r.Severity, osv.Severity{Type: typ, Score: m.CVSS.Vector})
					break
				}
			}
		}
		for _, ref := range c.References {
			r.References = append(r.References, osv.Reference{Type: "WEB", URL: ref.URL})
		}
		byProduct := map[string]*osv.Affected{}
		var order []string
		for _, conf := range c.Configurations {
			for _, n := range conf.Nodes {
				for _, m := range n.CPEMatch {
					product, version, ok := Product(m.Criteria)
					if !m.Vulnerable || !ok || m.VersionStartExcluding != "" {
						continue
					}
					a := byProduct[product]
					if a == nil {
						a = &osv.Affected{Package: osv.Package{Ecosystem: Ecosystem, Name: product}}
						byProduct[product] = a
						order = append(order, product)
					}
					switch {
					case version != "":
						a.Versions = append(a.Versions, version)
					default:
						intro := m.VersionStartIncluding
						if intro == "" {
							intro = "0"
						}
						evs := []osv.Event{{Introduced: intro}}
						switch {
						case m.VersionEndExcluding != "":
							evs = append(evs, osv.Event{Fixed: m.VersionEndExcluding})
						case m.VersionEndIncluding != "":
							evs = append(evs, osv.Event{LastAffected: m.VersionEndIncluding})
						}
						a.Ranges = append(a.Ranges, osv.Range{Type: "ECOSYSTEM", Events: evs})
					}
				}
			}
		}
		sort.Strings(order)
		for _, p := range order {
			r.Affected = append(r.Affected, *byProduct[p])
		}
		if len(r.Affected) > 0 {
			if r.Check() != nil { // an ID or a time no OSV record may have ("0", "../x"): not a CVE to import
				continue
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// timestamp makes NVD's "2024-01-02T03:04:05.123" RFC 3339 (UTC).
func timestamp(s string) string {
	if s == "" || strings.HasSuffix(s, "Z") || strings.ContainsAny(s[min(len(s), 19):], "+-") {
		return s
	}
	return s + "Z"
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 && i < 200 {
		return s[:i+1]
	}
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
