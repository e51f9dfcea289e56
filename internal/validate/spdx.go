package validate

import (
	"fmt"
	"strings"
)

// checkSPDX runs the semantic, NTIA and quality checks on an SPDX 2.x document.
func checkSPDX(r *Report, d map[string]any) {
	c := &spdxChecker{r: r, d: d, ids: map[string]string{}, extracted: map[string]bool{}, hasFiles: map[string][]string{}}
	c.declareIDs()
	comps := c.packages()
	var dd doc
	c.files(&dd)
	ci := obj(d["creationInfo"])
	dd.author = len(list(ci, "creators")) > 0
	dd.timestamp = str(ci, "created") != ""
	inGraph := c.relationships(&dd)
	var t tally
	for _, k := range comps {
		t.add(k)
		if inGraph[k.id] {
			t.inGraph++
		}
	}
	r.NTIA = ntia(dd, &t)
	r.Quality = quality(dd, &t, r.NTIA)
}

// spdxChecker checks one SPDX document, a section at a time.
type spdxChecker struct {
	r         *Report
	d         map[string]any
	ids       map[string]string   // SPDXID -> path where it is declared
	extracted map[string]bool     // LicenseRef- IDs the document declares
	hasFiles  map[string][]string // package -> the files it lists
}

func (c *spdxChecker) add(sev Severity, check, path, format string, args ...any) {
	c.r.Semantic = append(c.r.Semantic, Finding{Check: check, Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
}

// declareIDs collects the document's SPDXIDs, each once, and its
// extracted licenses.
func (c *spdxChecker) declareIDs() {
	declare := func(id, path string) {
		if id == "" {
			return
		}
		if first, dup := c.ids[id]; dup {
			c.add(Error, "duplicate-id", path, "SPDXID %s is also used at %s", id, first)
			return
		}
		c.ids[id] = path
	}
	declare(str(c.d, "SPDXID"), "/SPDXID")
	for _, sec := range []string{"packages", "files", "snippets"} {
		for i, e := range list(c.d, sec) {
			declare(str(obj(e), "SPDXID"), fmt.Sprintf("/%s/%d/SPDXID", sec, i))
		}
	}
	for _, e := range list(c.d, "hasExtractedLicensingInfos") {
		c.extracted[str(obj(e), "licenseId")] = true
	}
}

// known reports whether ref names an element: one of the document's, a
// special value, or another document's.
func (c *spdxChecker) known(ref string) bool {
	return c.ids[ref] != "" || ref == "NONE" || ref == "NOASSERTION" || strings.HasPrefix(ref, "DocumentRef-")
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

// packages checks every package and describes it for NTIA and quality.
func (c *spdxChecker) packages() []comp {
	var comps []comp
	for i, e := range list(c.d, "packages") {
		comps = append(comps, c.pkg(obj(e), fmt.Sprintf("/packages/%d", i)))
	}
	return comps
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
		if id, _ := f.(string); !c.known(id) {
			c.add(Error, "reference", fmt.Sprintf("%s/hasFiles/%d", path, j), "hasFiles names %s, which is not in the document", id)
		} else {
			c.hasFiles[k.id] = append(c.hasFiles[k.id], id)
		}
	}
	return k
}

// files checks every file's checksums and license.
func (c *spdxChecker) files(dd *doc) {
	files := list(c.d, "files")
	dd.files = len(files)
	for i, e := range files {
		f := obj(e)
		has := false
		for j, cs := range list(f, "checksums") {
			has = true
			if msg := checkHash(str(obj(cs), "algorithm"), str(obj(cs), "checksumValue")); msg != "" {
				c.add(Error, "checksum", fmt.Sprintf("/files/%d/checksums/%d", i, j), "%s", msg)
			}
		}
		if has {
			dd.filesWithChecksum++
		}
		if v := str(f, "licenseConcluded"); v != "" {
			c.license(fmt.Sprintf("/files/%d/licenseConcluded", i), v)
		}
	}
}

// relationships checks every relationship's ends and the containment
// graph, and says which elements are in the graph.
func (c *spdxChecker) relationships(dd *doc) map[string]bool {
	inGraph := map[string]bool{}
	contains := map[string][]string{}
	for p, fs := range c.hasFiles {
		contains[p] = append(contains[p], fs...)
	}
	describes, deps := false, false
	for _, id := range list(c.d, "documentDescribes") {
		if s, _ := id.(string); c.ids[s] != "" {
			describes = true
			inGraph[s] = true
		}
	}
	self := str(c.d, "SPDXID")
	for i, e := range list(c.d, "relationships") {
		rel := obj(e)
		from, to, typ := str(rel, "spdxElementId"), str(rel, "relatedSpdxElement"), str(rel, "relationshipType")
		path := fmt.Sprintf("/relationships/%d", i)
		if !c.known(from) {
			c.add(Error, "reference", path+"/spdxElementId", "%s is not in the document", from)
		}
		if !c.known(to) {
			c.add(Error, "reference", path+"/relatedSpdxElement", "%s is not in the document", to)
		}
		inGraph[from], inGraph[to] = true, true
		switch typ {
		case "DESCRIBES":
			describes = describes || from == self
		case "DESCRIBED_BY":
			describes = describes || to == self
		case "DEPENDS_ON", "DEPENDENCY_OF", "CONTAINS", "CONTAINED_BY", "RUNTIME_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "STATIC_LINK", "DYNAMIC_LINK":
			deps = true
		}
		if typ == "CONTAINS" {
			contains[from] = append(contains[from], to)
		} else if typ == "CONTAINED_BY" {
			contains[to] = append(contains[to], from)
		}
	}
	if cyc := cycle(contains); cyc != "" {
		c.add(Error, "cycle", "/relationships", "CONTAINS relationships form a cycle: %s", cyc)
	}
	dd.primary = describes
	dd.relationships = describes && deps
	return inGraph
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
