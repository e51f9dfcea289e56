package output

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"net/url"
	"strings"
)

// The HTML page: one self-contained file. Its style and its one script
// (which only sorts and filters tables) are inline and allowed by their
// hashes in a Content-Security-Policy that forbids everything else: no
// request of any kind leaves the page. Charts are inline SVG drawn here;
// every chart has its data as a table beside it. Everything from the
// inventory or the database is untrusted and goes through html/template.

var (
	//go:embed assets/page.css
	pageCSS string
	//go:embed assets/page.js
	pageJS string
	//go:embed assets/page.tmpl
	pageTmpl string

	pageTemplate = template.Must(template.New("page").Parse(pageTmpl))
)

// htmlPage is one page.
type htmlPage struct {
	Title, Subtitle string
	Verdict         string // the --fail-on verdict, when asked for
	VerdictClass    string // "pass" or "fail"
	Facts           []htmlFact
	Sections        []*htmlSection
	Footer          string
	Tool            string
}

type htmlFact struct{ Label, Value string }

// htmlSection is a part of the page: a chart with its data, a table, a
// tree, a note.
type htmlSection struct {
	ID, Title, Description string
	Chart                  template.HTML // inline SVG drawn by svg*
	ChartTable             *htmlTable    // the chart's data
	Table                  *htmlTable
	Tree                   []*htmlNode
	Note                   string
}

type htmlTable struct {
	ID, Caption string
	Head        []htmlHead
	Rows        [][]htmlCell
	Sortable    bool
	Filter      bool
	More        int // rows left out
}

type htmlHead struct {
	Text string
	Num  bool
}

type htmlCell struct {
	Text, Class, Sort, Title string
	Link                     string // a http(s) URL, else none
	Links                    []htmlLink
}

type htmlLink struct{ Text, Href string }

// htmlNode is a component in the containment tree.
type htmlNode struct {
	Name, Kind, Problems string
	Open                 bool
	Facts                []htmlFact
	Children             []*htmlNode
}

// writeHTML writes p as a page.
func writeHTML(w io.Writer, p *htmlPage) error {
	data := struct {
		*htmlPage
		CSP    string
		Style  template.CSS
		Script template.JS
	}{p, csp(), template.CSS(pageCSS), template.JS(pageJS)}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// csp allows the page's own style and script, by hash, and nothing else.
func csp() string {
	return "default-src 'none'; style-src " + hash(pageCSS) + "; script-src " + hash(pageJS) +
		"; img-src 'none'; connect-src 'none'; font-src 'none'; form-action 'none'; base-uri 'none'"
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// safeLink is u when it is an absolute http or https URL, else "": an
// advisory's reference is a link a user may follow; anything else
// (javascript:, data:) is shown as text only.
func safeLink(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return p.String()
}
