// Package osv reads vulnerability records in the OSV format (JSON, or
// YAML as the PyPA advisory database writes them) and checks the rules
// of the OSV schema that matching depends on.
//
// # Subset
//
// The fields matching, reporting and VEX use: id, modified, published,
// withdrawn, aliases, upstream, related, summary, details, severity,
// affected (package, ranges with ECOSYSTEM, SEMVER and GIT events,
// versions, severity, database_specific), references and
// database_specific. Other fields are ignored.
package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxSize bounds one record.
const MaxSize = 8 << 20

// Record is one OSV vulnerability record.
type Record struct {
	ID               string         `json:"id"`
	Modified         string         `json:"modified"`
	Published        string         `json:"published,omitempty"`
	Withdrawn        string         `json:"withdrawn,omitempty"`
	Aliases          []string       `json:"aliases,omitempty"`
	Upstream         []string       `json:"upstream,omitempty"`
	Related          []string       `json:"related,omitempty"`
	Summary          string         `json:"summary,omitempty"`
	Details          string         `json:"details,omitempty"`
	Severity         []Severity     `json:"severity,omitempty"`
	Affected         []Affected     `json:"affected,omitempty"`
	References       []Reference    `json:"references,omitempty"`
	DatabaseSpecific map[string]any `json:"database_specific,omitempty"`
}

// Severity is a scored severity ("CVSS_V3" and its vector).
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one affected package.
type Affected struct {
	Package          Package        `json:"package"`
	Ranges           []Range        `json:"ranges,omitempty"`
	Versions         []string       `json:"versions,omitempty"`
	Severity         []Severity     `json:"severity,omitempty"`
	DatabaseSpecific map[string]any `json:"database_specific,omitempty"`
}

// Package names the affected package.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is a version range of one type.
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Parse reads one record from JSON or YAML (detected from the content)
// and checks it. name is used in errors.
func Parse(data []byte, name string) (*Record, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	js := data
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%s: not YAML or JSON: %v", name, err)
		}
		var err error
		if js, err = json.Marshal(plain(v)); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	var r Record
	dec := json.NewDecoder(bytes.NewReader(js))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: not an OSV record: %v", name, err)
	}
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &r, nil
}

// plain turns what YAML decodes (maps with any keys, timestamps) into
// values JSON can encode. Timestamps become RFC 3339 strings; a date
// before year 1000 (PYSEC-2024-55 has "1-01-01") stays a valid string.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = plain(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// MaxID bounds an identifier (OSV's longest real ones are under 50).
const MaxID = 128

// idRE is the shape of an OSV identifier: the schema's PREFIX-rest,
// without the schema's closed list of prefixes (new databases join it)
// and without anything that could act as a path.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*-[A-Za-z0-9._:+-]+$`)

// CheckID reports whether id can be an OSV identifier.
func CheckID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("no id")
	case len(id) > MaxID:
		return fmt.Errorf("id of %d bytes: OSV identifiers are at most %d", len(id), MaxID)
	case !idRE.MatchString(id) || strings.Contains(id, ".."):
		return fmt.Errorf("id %q is not an OSV identifier (PREFIX-ID, letters, digits and . _ : + -)", id)
	}
	return nil
}

// checkTime requires an RFC 3339 time, as the schema does.
func checkTime(id, field, v string) error {
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return fmt.Errorf("%s: %s %q is not an RFC 3339 time", id, field, clipID(v))
	}
	return nil
}

func clipID(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Check enforces the schema rules matching relies on.
func (r *Record) Check() error {
	if err := CheckID(r.ID); err != nil {
		return err
	}
	if r.Modified == "" {
		return fmt.Errorf("%s: no modified time", r.ID)
	}
	if err := checkTime(r.ID, "modified", r.Modified); err != nil {
		return err
	}
	for field, v := range map[string]string{"published": r.Published, "withdrawn": r.Withdrawn} {
		if v != "" {
			if err := checkTime(r.ID, field, v); err != nil {
				return err
			}
		}
	}
	for _, a := range r.Aliases {
		if len(a) > MaxID || strings.ContainsAny(a, "/\\\x00") {
			return fmt.Errorf("%s: alias %q is not an identifier", r.ID, clipID(a))
		}
	}
	for i, a := range r.Affected {
		for j, rg := range a.Ranges {
			where := fmt.Sprintf("%s: affected[%d].ranges[%d]", r.ID, i, j)
			switch rg.Type {
			case "ECOSYSTEM", "SEMVER":
			case "GIT":
				if rg.Repo == "" {
					return fmt.Errorf("%s: a GIT range needs a repo", where)
				}
			default:
				return fmt.Errorf("%s: unknown range type %q", where, rg.Type)
			}
			intro, fixed, last := false, false, false
			for k, e := range rg.Events {
				n := 0
				for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
					if s != "" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("%s.events[%d]: want exactly one of introduced, fixed, last_affected, limit", where, k)
				}
				intro = intro || e.Introduced != ""
				fixed = fixed || e.Fixed != ""
				last = last || e.LastAffected != ""
			}
			if !intro {
				return fmt.Errorf("%s: no introduced event", where)
			}
			if fixed && last {
				return fmt.Errorf("%s: fixed and last_affected in one range", where)
			}
		}
	}
	return nil
}

// IDs returns the record's ID and aliases.
func (r *Record) IDs() []string { return append([]string{r.ID}, r.Aliases...) }

// EcosystemBase returns the ecosystem without its ":release" suffix.
func EcosystemBase(e string) string {
	base, _, _ := strings.Cut(e, ":")
	return base
}

// NormalizeRepo is the form repository URLs are compared and indexed in:
// lower case, no scheme or user, no ".git" or trailing slash
// ("https://github.com/OpenSSL/openssl.git" is "github.com/openssl/openssl").
func NormalizeRepo(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	for _, p := range []string{"git+", "https://", "http://", "git://", "ssh://", "git@"} {
		u = strings.TrimPrefix(u, p)
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return strings.Replace(u, ":", "/", 1)
}

// Database names the database an advisory ID comes from, by its prefix,
// with the advisory's page there.
func Database(id string) (name, url string) {
	switch {
	case strings.HasPrefix(id, "PYSEC-"):
		return "PyPA Advisory Database", "https://github.com/pypa/advisory-database"
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub Advisory Database", "https://github.com/advisories/" + id
	case strings.HasPrefix(id, "CVE-"):
		return "NVD", "https://nvd.nist.gov/vuln/detail/" + id
	case strings.HasPrefix(id, "RUSTSEC-"):
		return "RustSec Advisory Database", "https://rustsec.org/advisories/" + id
	case strings.HasPrefix(id, "GO-"):
		return "Go Vulnerability Database", "https://pkg.go.dev/vuln/" + id
	}
	return "OSV", "https://osv.dev/vulnerability/" + id
}
