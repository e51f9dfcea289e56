package validate

import (
	"fmt"
	"strings"
)

// checkSPDX runs the semantic, NTIA and quality checks on an SPDX 2.x
// document held whole.
func checkSPDX(r *Report, d map[string]any) {
	c := newSPDXChecker(r, d)
	for _, sec := range spdxStreamed {
		for i, v := range list(d, sec) {
			c.element(sec, i, obj(v))
		}
	}
	c.finish()
}

// spdxStreamed are the arrays of an SPDX document checked an element at
// a time, in this order: every element is declared before a relationship
// is checked.
var spdxStreamed = []string{"packages", "files", "snippets", "relationships"}

// spdxChecker checks an SPDX document a part at a time: its top first
// (newSPDXChecker), then each element of spdxStreamed in that order, then
// finish. What it keeps of an element is its SPDXID, counts, and the
// containment graph.
type spdxChecker struct {
	r         *Report
	top       map[string]any
	ids       idTable
	extracted map[string]bool // LicenseRef- IDs the document declares
	contains  map[string][]string
	hasFiles  []spdxRef // checked once every element is declared
	t         tally
	dd        doc
	// describes and deps: a DESCRIBES relationship from the document,
	// and one of the dependency or containment kinds.
	describes, deps bool
}

// spdxRef is a reference to check: at path, from a package to an element.
type spdxRef struct{ path, from, to string }

func newSPDXChecker(r *Report, top map[string]any) *spdxChecker {
	c := &spdxChecker{r: r, top: top, ids: idTable{}, extracted: map[string]bool{}, contains: map[string][]string{}}
	c.declare(str(top, "SPDXID"), "/SPDXID", false)
	for _, e := range list(top, "hasExtractedLicensingInfos") {
		c.extracted[str(obj(e), "licenseId")] = true
	}
	ci := obj(top["creationInfo"])
	c.dd.author = len(list(ci, "creators")) > 0
	c.dd.timestamp = str(ci, "created") != ""
	return c
}

func (c *spdxChecker) add(sev Severity, check, path, format string, args ...any) {
	c.r.Semantic = append(c.r.Semantic, Finding{Check: check, Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
}

// declare records an SPDXID where it is first used; pkg counts it as
// one more package's.
func (c *spdxChecker) declare(id, path string, pkg bool) {
	if first := c.ids.declare(id, path, pkg); first != "" {
		c.add(Error, "duplicate-id", path, "SPDXID %s is also used at %s", id, first)
	}
}

// known reports whether ref names an element: one of the document's, a
// special value, or another document's.
func (c *spdxChecker) known(ref string) bool {
	_, ok := c.ids[ref]
	return ok || ref == "NONE" || ref == "NOASSERTION" || strings.HasPrefix(ref, "DocumentRef-")
}

// license checks a license expression and the LicenseRefs it uses.
func (c *spdxChecker) license(path, expr string) {
	if msg := checkLicense(expr); msg != "" {
		c.add(Error, "license", path, "%s", msg)
		return
	}
	for _, tok := range strings.FieldsFunc(expr, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		if strings.HasPrefix(tok, "LicenseRef-") && !c.extracted[tok] {
			c.add(Warning, "license", path, "%s is not declared in hasExtractedLicensingInfos", tok)
		}
	}
}

// element checks the i-th element of the array sec.
func (c *spdxChecker) element(sec string, i int, v map[string]any) {
	path := fmt.Sprintf("/%s/%d", sec, i)
	switch sec {
	case "packages":
		c.declare(str(v, "SPDXID"), path+"/SPDXID", true)
		c.t.add(c.pkg(v, path))
	case "files":
		c.declare(str(v, "SPDXID"), path+"/SPDXID", false)
		c.file(v, path)
	case "snippets":
		c.declare(str(v, "SPDXID"), path+"/SPDXID", false)
	case "relationships":
		c.relationship(v, path)
	}
}

func (c *spdxChecker) pkg(p map[string]any, path string) comp {
	k := comp{path: path, id: str(p, "SPDXID"), name: str(p, "name"), version: str(p, "versionInfo")}
	if s := str(p, "supplier"); s != "" && s != "NOASSERTION" {
		k.supplier = s
	}
	for j, ref := range list(p, "externalRefs") {
		er := obj(ref)
		loc, typ := str(er, "referenceLocator"), str(er, "referenceType")
		rpath := fmt.Sprintf("%s/externalRefs/%d/referenceLocator", path, j)
		var bad, mismatch string
		switch typ {
		case "purl":
			bad, mismatch = checkPURL(loc, k.version)
			k.ids = append(k.ids, loc)
		case "cpe23Type":
			bad, mismatch = checkCPE(loc, k.version)
			k.ids = append(k.ids, loc)
		case "cpe22Type", "swid", "swh", "gitoid":
			k.ids = append(k.ids, loc)
		}
		if bad != "" {
			c.add(Error, "identifier", rpath, "%s", bad)
		}
		if mismatch != "" {
			c.add(Warning, "version-in-identifier", rpath, "%s", mismatch)
		}
	}
	for j, cs := range list(p, "checksums") {
		k.checksum = true
		if msg := checkHash(str(obj(cs), "algorithm"), str(obj(cs), "checksumValue")); msg != "" {
			c.add(Error, "checksum", fmt.Sprintf("%s/checksums/%d", path, j), "%s", msg)
		}
	}
	for _, key := range []string{"licenseDeclared", "licenseConcluded"} {
		if v := str(p, key); v != "" {
			c.license(path+"/"+key, v)
			if v != "NOASSERTION" && v != "NONE" {
				k.license = true
			}
		}
	}
	if dl := str(p, "downloadLocation"); dl != "" && dl != "NOASSERTION" && dl != "NONE" {
		k.download = true
	}
	for j, f := range list(p, "hasFiles") {
		id, _ := f.(string)
		c.hasFiles = append(c.hasFiles, spdxRef{fmt.Sprintf("%s/hasFiles/%d", path, j), k.id, id})
	}
	return k
}

// file checks a file's checksums and license.
func (c *spdxChecker) file(f map[string]any, path string) {
	c.dd.files++
	has := false
	for j, cs := range list(f, "checksums") {
		has = true
		if msg := checkHash(str(obj(cs), "algorithm"), str(obj(cs), "checksumValue")); msg != "" {
			c.add(Error, "checksum", fmt.Sprintf("%s/checksums/%d", path, j), "%s", msg)
		}
	}
	if has {
		c.dd.filesWithChecksum++
	}
	if v := str(f, "licenseConcluded"); v != "" {
		c.license(path+"/licenseConcluded", v)
	}
}

// relationship checks a relationship's ends, and records it in the
// graph.
func (c *spdxChecker) relationship(rel map[string]any, path string) {
	from, to, typ := str(rel, "spdxElementId"), str(rel, "relatedSpdxElement"), str(rel, "relationshipType")
	if !c.known(from) {
		c.add(Error, "reference", path+"/spdxElementId", "%s is not in the document", from)
	}
	if !c.known(to) {
		c.add(Error, "reference", path+"/relatedSpdxElement", "%s is not in the document", to)
	}
	c.ids.mark(from)
	c.ids.mark(to)
	self := str(c.top, "SPDXID")
	switch typ {
	case "DESCRIBES":
		c.describes = c.describes || from == self
	case "DESCRIBED_BY":
		c.describes = c.describes || to == self
	case "DEPENDS_ON", "DEPENDENCY_OF", "CONTAINS", "CONTAINED_BY", "RUNTIME_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "STATIC_LINK", "DYNAMIC_LINK":
		c.deps = true
	}
	if typ == "CONTAINS" {
		c.contains[from] = append(c.contains[from], to)
	} else if typ == "CONTAINED_BY" {
		c.contains[to] = append(c.contains[to], from)
	}
}

// finish checks what waited for every element (the files packages list,
// the elements the document describes, the containment graph) and gives
// the NTIA and quality verdicts.
func (c *spdxChecker) finish() {
	graph := map[string][]string{} // what packages list in hasFiles, then what CONTAINS says
	for _, h := range c.hasFiles {
		if !c.known(h.to) {
			c.add(Error, "reference", h.path, "hasFiles names %s, which is not in the document", h.to)
		} else {
			graph[h.from] = append(graph[h.from], h.to)
		}
	}
	for from, tos := range c.contains {
		graph[from] = append(graph[from], tos...)
	}
	for _, id := range list(c.top, "documentDescribes") {
		if s, _ := id.(string); s != "" {
			if _, ok := c.ids[s]; ok {
				c.describes = true
				c.ids.mark(s)
			}
		}
	}
	if cyc := cycle(graph); cyc != "" {
		c.add(Error, "cycle", "/relationships", "CONTAINS relationships form a cycle: %s", cyc)
	}
	c.dd.primary = c.describes
	c.dd.relationships = c.describes && c.deps
	c.t.inGraph = c.ids.inGraph()
	c.r.NTIA = ntia(c.dd, &c.t)
	c.r.Quality = quality(c.dd, &c.t, c.r.NTIA)
}

// cycle returns a cycle of the graph as "a -> b -> a", or "".
func cycle(g map[string][]string) string {
	state := map[string]int{} // 0 new, 1 on stack, 2 done
	var stack []string
	var found string
	var visit func(n string) bool
	visit = func(n string) bool {
		state[n] = 1
		stack = append(stack, n)
		for _, m := range g[n] {
			switch state[m] {
			case 1:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				found = strings.Join(append(append([]string{}, stack[i:]...), m), " -> ")
				return true
			case 0:
				if visit(m) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = 2
		return false
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		if state[k] == 0 && visit(k) {
			return found
		}
	}
	return ""
}
