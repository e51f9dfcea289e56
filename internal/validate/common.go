package validate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	packageurl "github.com/package-url/packageurl-go"
)

// comp is what the NTIA and quality checks need of one component.
type comp struct {
	path, id, name, version, supplier string
	ids                               []string // purls, CPEs, SWIDs
	checksum, license, download       bool
}

// doc is what they need of the document.
type doc struct {
	author, timestamp, primary, relationships bool
	files, filesWithChecksum                  int
}

// NTIA is the verdict on the NTIA minimum elements.
type NTIA struct {
	Pass bool `json:"pass"`
	// Document elements.
	Author        bool `json:"author"`
	Timestamp     bool `json:"timestamp"`
	Relationships bool `json:"relationships"`
	// Components counts the components; Missing, per element ("supplier",
	// "name", "version", "unique identifier"), how many lack it.
	Components int            `json:"components"`
	Missing    map[string]int `json:"missing"`
	Failures   []Finding      `json:"failures"`
}

// maxListed bounds the NTIA failures of components listed one by one;
// Missing counts them all. A document of a million components without
// suppliers says so in one count, not a million findings.
const maxListed = 1000

// idTable records the identifiers a document declares (bom-refs,
// SPDXIDs): where each is first declared, how many components have it,
// and whether a relationship names it.
type idTable map[string]idEntry

type idEntry struct {
	path    string
	comps   int
	inGraph bool
}

// declare records id, declared at path, as one more component's when
// comp; first is where it was declared before, "" when it was not.
func (t idTable) declare(id, path string, comp bool) (first string) {
	if id == "" {
		return ""
	}
	e, dup := t[id]
	if dup {
		first = e.path
	} else {
		e.path = path
	}
	if comp {
		e.comps++
	}
	t[id] = e
	return first
}

// mark puts id in the graph of relationships; false when nothing
// declares it.
func (t idTable) mark(id string) bool {
	e, ok := t[id]
	if ok && !e.inGraph {
		e.inGraph = true
		t[id] = e
	}
	return ok
}

// inGraph counts the components whose identifier a relationship names.
func (t idTable) inGraph() int {
	n := 0
	for _, e := range t {
		if e.inGraph {
			n += e.comps
		}
	}
	return n
}

// tally is what the NTIA and quality checks keep of the components, one
// component at a time.
type tally struct {
	n                                                int
	purl, cpe, checksum, license, supplier, download int
	inGraph                                          int
	missing                                          map[string]int
	failures                                         []Finding // of components, at most maxListed
	unlisted                                         int
}

// add counts c (all but whether it is in the dependency graph, which the
// caller counts in inGraph).
func (t *tally) add(c comp) {
	if t.missing == nil {
		t.missing = map[string]int{}
	}
	t.n++
	for _, v := range []struct {
		ok bool
		n  *int
	}{{hasPrefix(c.ids, "pkg:"), &t.purl}, {hasPrefix(c.ids, "cpe:"), &t.cpe}, {c.checksum, &t.checksum},
		{c.license, &t.license}, {c.supplier != "", &t.supplier}, {c.download, &t.download}} {
		if v.ok {
			*v.n++
		}
	}
	label := c.name
	if label == "" {
		label = c.id
	}
	for _, m := range []struct {
		ok   bool
		elem string
	}{{c.supplier != "", "supplier"}, {c.name != "", "name"}, {c.version != "", "version"}, {len(c.ids) > 0, "unique identifier"}} {
		if m.ok {
			continue
		}
		t.missing[m.elem]++
		if len(t.failures) < maxListed {
			t.failures = append(t.failures, Finding{Check: "ntia", Severity: Error, Path: c.path, Message: fmt.Sprintf("%s has no %s", label, m.elem)})
		} else {
			t.unlisted++
		}
	}
}

func ntia(d doc, t *tally) NTIA {
	n := NTIA{Author: d.author, Timestamp: d.timestamp, Relationships: d.relationships, Components: t.n, Missing: map[string]int{}}
	fail := func(path, msg string) {
		n.Failures = append(n.Failures, Finding{Check: "ntia", Severity: Error, Path: path, Message: msg})
	}
	if !d.author {
		fail("", "no author of the SBOM data (SPDX creationInfo.creators, CycloneDX metadata.authors or tools)")
	}
	if !d.timestamp {
		fail("", "no timestamp (SPDX creationInfo.created, CycloneDX metadata.timestamp)")
	}
	if !d.relationships {
		fail("", "no dependency relationships (SPDX: DESCRIBES and DEPENDS_ON/CONTAINS; CycloneDX: dependencies)")
	}
	n.Failures = append(n.Failures, t.failures...)
	if t.unlisted > 0 {
		fail("", fmt.Sprintf("and %d more elements missing from components, counted in missing but not listed (at most %d are)", t.unlisted, maxListed))
	}
	for k, v := range t.missing {
		n.Missing[k] = v
	}
	n.Pass = len(n.Failures) == 0
	return n
}

// Quality is a score from 0 to 10 and the items it is made of.
type Quality struct {
	Score float64       `json:"score"`
	Items []QualityItem `json:"items"`
}

// QualityItem is one measure: Have of Total, weighted.
type QualityItem struct {
	Name   string  `json:"name"`
	Have   int     `json:"have"`
	Total  int     `json:"total"`
	Weight float64 `json:"weight"`
}

func quality(d doc, t *tally, n NTIA) Quality {
	total := t.n
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	ntiaDoc := b(d.author) + b(d.timestamp) + b(d.relationships)
	ntiaComp := 4*total - n.Missing["supplier"] - n.Missing["name"] - n.Missing["version"] - n.Missing["unique identifier"]
	q := Quality{Items: []QualityItem{
		{"NTIA minimum elements", ntiaDoc + ntiaComp, 3 + 4*total, 3},
		{"components with a purl", t.purl, total, 2},
		{"components with a CPE", t.cpe, total, 0.5},
		{"components with a checksum", t.checksum, total, 1},
		{"components with a license", t.license, total, 1},
		{"components with a supplier", t.supplier, total, 1},
		{"components with a download location", t.download, total, 0.5},
		{"components in the dependency graph", t.inGraph, total, 1},
		{"primary component", b(d.primary), 1, 1},
		{"files with a checksum", d.filesWithChecksum, d.files, 0.5},
	}}
	var sum, weights float64
	for _, it := range q.Items {
		if it.Total == 0 {
			continue
		}
		sum += it.Weight * float64(it.Have) / float64(it.Total)
		weights += it.Weight
	}
	if weights > 0 {
		q.Score = float64(int(sum/weights*100+0.5)) / 10
	}
	return q
}

func hasPrefix(ids []string, p string) bool {
	for _, s := range ids {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// cpeRE is the CPE 2.3 formatted-string binding: 13 fields, escapes allowed.
var cpeRE = regexp.MustCompile(`^cpe:2\.3:[aho*\-](:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@\[\]^` + "`" + `{|}~]))+(\?*|\*?))|[*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@\[\]^` + "`" + `{|}~]))+(\?*|\*?))|[*\-])){4}$`)

// checkPURL returns a message when s is not a valid purl, and whether its
// version disagrees with version.
func checkPURL(s, version string) (bad, mismatch string) {
	p, err := packageurl.FromString(s)
	if err != nil {
		return fmt.Sprintf("purl %q does not parse: %v", s, err), ""
	}
	if version != "" && p.Version != "" && p.Version != version {
		return "", fmt.Sprintf("version %q is not the version %q of its purl %s", version, p.Version, s)
	}
	if version != "" && p.Version == "" {
		return "", fmt.Sprintf("purl %s has no version; the component's is %q", s, version)
	}
	return "", ""
}

// checkCPE does the same for a CPE 2.3 name.
func checkCPE(s, version string) (bad, mismatch string) {
	if !cpeRE.MatchString(s) {
		return fmt.Sprintf("CPE %q is not a valid CPE 2.3 name", s), ""
	}
	fields := splitCPE(s)
	if version != "" && len(fields) > 5 && fields[5] != version && fields[5] != "*" && fields[5] != "-" {
		return "", fmt.Sprintf("version %q is not the version %q of its CPE %s", version, fields[5], s)
	}
	if version != "" && len(fields) > 5 && (fields[5] == "*" || fields[5] == "-") {
		return "", fmt.Sprintf("CPE %s has no version; the component's is %q", s, version)
	}
	return "", ""
}

// splitCPE splits at unescaped colons.
func splitCPE(s string) []string {
	var out []string
	cur := strings.Builder{}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
		case s[i] == ':':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(out, cur.String())
}

// hashLen is the hex length of each algorithm's digest.
var hashLen = map[string]int{
	"MD2": 32, "MD4": 32, "MD5": 32, "MD6": 0, "SHA1": 40, "SHA224": 56, "SHA256": 64, "SHA384": 96, "SHA512": 128,
	"SHA3256": 64, "SHA3384": 96, "SHA3512": 128, "BLAKE2B256": 64, "BLAKE2B384": 96, "BLAKE2B512": 128, "BLAKE3": 0, "ADLER32": 8,
}

// checkHash returns a message when value does not fit algorithm.
func checkHash(algorithm, value string) string {
	key := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(algorithm))
	want, known := hashLen[key]
	for _, r := range value {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return fmt.Sprintf("%s checksum %q is not hexadecimal", algorithm, value)
		}
	}
	if known && want > 0 && len(value) != want {
		return fmt.Sprintf("%s checksum has %d hex digits, want %d", algorithm, len(value), want)
	}
	return ""
}

// checkLicense returns a message when expr is not a valid SPDX expression.
func checkLicense(expr string) string {
	switch expr {
	case "", "NOASSERTION", "NONE":
		return ""
	}
	if ok, _ := spdxexp.ValidateLicenses([]string{expr}); !ok {
		return fmt.Sprintf("license %q is not a valid SPDX license expression", expr)
	}
	return ""
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func list(m map[string]any, k string) []any {
	l, _ := m[k].([]any)
	return l
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
