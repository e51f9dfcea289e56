package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Report is what pysbom report writes: a target's SBOM, its scan and the
// audit of its native binaries, on one page.
type Report struct {
	SBOM  *SBOM
	Scan  *Scan
	Audit *Audit // nil when the target has no binaries to audit (a lock file)
	// FilesAll lists every file of every component; by default they are
	// counted.
	FilesAll bool
	// Verdict is what --fail-on decided, "" when it was not asked.
	Verdict string
	Failed  bool
}

// Reports are the formats of a report.
var Reports = &Registry[*Report]{
	Default: "html",
	Formats: []Format[*Report]{
		{"html", "one self-contained page: composition, findings, native code, hardening, components, problems", reportHTML},
		{"markdown", "the scan and the audit for a pull-request comment", func(w io.Writer, r *Report) error {
			if err := scanMarkdown(w, r.Scan); err != nil {
				return err
			}
			if r.Audit == nil {
				return nil
			}
			io.WriteString(w, "\n")
			return r.Audit.Report.WriteMarkdown(w, r.Audit.Tool.String())
		}},
	},
}

func reportHTML(w io.Writer, r *Report) error {
	inv := r.SBOM.Inventory
	s := r.Scan
	p := &htmlPage{Title: "pysbom report: " + inv.Root.Name, Tool: r.SBOM.Tool.String(),
		Subtitle: fmt.Sprintf("%s. Made %s by %s; advisories from %s (%s, newest %s).", inv.Root.More().Summary,
			r.SBOM.Created.UTC().Format("2006-01-02 15:04 UTC"), r.SBOM.Tool, s.DB.Path, Count(s.DB.Records, "record"), dateOf(s.DB.Newest)),
		Verdict: r.Verdict, Footer: r.SBOM.Tool.String() + " · everything on this page is in the file itself; it makes no request."}
	if r.Verdict != "" {
		p.VerdictClass = "pass"
		if r.Failed {
			p.VerdictClass = "fail"
		}
	}
	comp := composition(inv)
	scanFacts, scanSections := scanParts(s.Result, s.ShowSuppressed)
	p.Facts = append([]htmlFact{{"components", strconv.Itoa(len(inv.Packages))}}, scanFacts[2:]...)
	var bars []bar
	data := &htmlTable{ID: "composition-data", Caption: "components by kind", Head: []htmlHead{{Text: "kind"}, {Text: "components", Num: true}}}
	for _, c := range comp {
		bars = append(bars, bar{Label: c.label, Value: float64(c.n), Class: c.class})
		data.Rows = append(data.Rows, []htmlCell{{Text: c.label}, {Text: strconv.Itoa(c.n), Class: "num"}})
	}
	p.Sections = append(p.Sections, &htmlSection{ID: "composition", Title: "Composition",
		Description: "What the target is made of: Python distributions, the copies they carry, native libraries and crates, system packages.",
		Chart:       svgBars("Components by kind", fmt.Sprintf("%d components", len(inv.Packages)), bars), ChartTable: data})
	p.Sections = append(p.Sections, scanSections...)
	if r.Audit != nil {
		auditFacts, auditSections := auditParts(r.Audit.Report)
		p.Facts = append(p.Facts, auditFacts[0], auditFacts[2], auditFacts[3])
		p.Sections = append(p.Sections, auditSections...)
	}
	p.Sections = append(p.Sections, &htmlSection{ID: "components", Title: "Components",
		Description: "The containment tree: the target, what it holds, and what each package carries (vendored packages, native libraries, Rust crates). Open a component for its identifiers, supplier, license, location and problems.",
		Tree:        componentTree(inv, r.FilesAll)})
	if len(inv.Problems) > 0 {
		t := &htmlTable{ID: "problems", Caption: "problems", Sortable: true, Filter: true,
			Head: []htmlHead{{Text: "component"}, {Text: "kind"}, {Text: "file"}, {Text: "what"}}}
		for _, pr := range inv.Problems {
			name := pr.Package
			if q := inv.Find(pr.Package); q != nil {
				name = strings.TrimSpace(q.Name + " " + q.Version)
			}
			if len(t.Rows) == maxHTMLRows {
				t.More++
				continue
			}
			t.Rows = append(t.Rows, []htmlCell{{Text: name}, {Text: string(pr.Kind)}, {Text: pr.Path}, {Text: pr.Message}})
		}
		p.Sections = append(p.Sections, &htmlSection{ID: "problems", Title: "Problems",
			Description: "What reading the target found wrong or could not tell: RECORD mismatches, unresolved libraries, undeclared native components, unknown suppliers.", Table: t})
	}
	return writeHTML(w, p)
}

type share struct {
	label, class string
	n            int
}

// composition counts the components by what they are.
func composition(inv *inventory.Inventory) []share {
	n := inv.Nesting()
	carried := map[int]bool{}
	for _, kids := range n.Children {
		for _, k := range kids {
			carried[k] = true
		}
	}
	counts := map[string]int{}
	for i, p := range inv.Packages {
		typ := purlType(p.PURL)
		switch {
		case p.Kind == inventory.KindOSPackage || typ == "deb" || typ == "rpm" || typ == "apk":
			counts["system packages"]++
		case p.Kind == inventory.KindInterpreter:
			counts["interpreters"]++
		case typ == "pypi" && carried[i]:
			counts["carried Python packages"]++
		case typ == "pypi":
			counts["Python distributions"]++
		case typ == "cargo":
			counts["Rust crates"]++
		case typ == "golang":
			counts["Go modules"]++
		default:
			counts["native libraries and modules"]++
		}
	}
	var out []share
	for _, k := range []struct{ label, class string }{{"Python distributions", "python"}, {"carried Python packages", "vendored"},
		{"native libraries and modules", "native"}, {"Rust crates", "native"}, {"Go modules", "native"}, {"interpreters", "other"}, {"system packages", "other"}} {
		if counts[k.label] > 0 {
			out = append(out, share{k.label, k.class, counts[k.label]})
		}
	}
	return out
}

// purlType is the ecosystem a package URL names.
func purlType(purl string) string {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return ""
	}
	t, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(t)
}

// componentTree is the containment tree of an inventory.
func componentTree(inv *inventory.Inventory, filesAll bool) []*htmlNode {
	n := inv.Nesting()
	problems := map[string][]inventory.Problem{}
	for _, pr := range inv.Problems {
		problems[pr.Package] = append(problems[pr.Package], pr)
	}
	var node func(i int) *htmlNode
	node = func(i int) *htmlNode {
		p := inv.Packages[i]
		h := componentNode(p, problems[p.ID], filesAll)
		for _, k := range n.Children[i] {
			h.Children = append(h.Children, node(k))
		}
		return h
	}
	root := componentNode(inv.Root, problems[inv.Root.ID], filesAll)
	root.Open = true
	for _, i := range n.Top {
		root.Children = append(root.Children, node(i))
	}
	return []*htmlNode{root}
}

func componentNode(p *inventory.Package, problems []inventory.Problem, filesAll bool) *htmlNode {
	kind := string(p.Kind)
	if t := purlType(p.PURL); t != "" {
		kind += " · " + t
	}
	h := &htmlNode{Name: strings.TrimSpace(p.Name + " " + p.Version), Kind: kind}
	add := func(label, value string) {
		if value != "" {
			h.Facts = append(h.Facts, htmlFact{label, value})
		}
	}
	add("purl", p.PURL)
	add("CPE", strings.Join(p.More().CPEs, " "))
	supplier := "NOASSERTION"
	if !p.Supplier.IsZero() {
		supplier = p.Supplier.Name
	}
	add("supplier", supplier)
	lic := p.More().License.Expression
	if lic == "" {
		lic = p.More().License.Declared
	}
	add("license", lic)
	if p.Python != nil {
		add("location", p.Python.Location)
	}
	add("download", p.More().DownloadLocation)
	if len(p.Files) > 0 {
		if filesAll {
			var paths []string
			for _, f := range p.Files {
				paths = append(paths, f.Path+" "+f.Hash(inventory.SHA256))
			}
			add("files", strings.Join(paths, "\n"))
		} else {
			add("files", Count(len(p.Files), "file")+" (--files all lists them)")
		}
	}
	if len(problems) > 0 {
		h.Problems = Count(len(problems), "problem")
		for _, pr := range problems {
			add("problem", string(pr.Kind)+" "+pr.Path+": "+pr.Message)
		}
	}
	return h
}
