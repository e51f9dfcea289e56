package validate

import (
	"fmt"
	"strings"
)

// checkSPDX runs the semantic, NTIA and quality checks on an SPDX 2.x document.
func checkSPDX(r *Report, d map[string]any) {
	add := func(sev Severity, check, path, format string, args ...any) {
		r.Semantic = append(r.Semantic, Finding{Check: check, Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	ids := map[string]string{} // SPDXID -> path
	declare := func(id, path string) {
		if id == "" {
			return
		}
		if first, dup := ids[id]; dup {
			add(Error, "duplicate-id", path, "SPDXID %s is also used at %s", id, first)
			return
		}
		ids[id] = path
	}
	declare(str(d, "SPDXID"), "/SPDXID")
	for _, sec := range []string{"packages", "files", "snippets"} {
		for i, e := range list(d, sec) {
			declare(str(obj(e), "SPDXID"), fmt.Sprintf("/%s/%d/SPDXID", sec, i))
		}
	}
	extracted := map[string]bool{}
	for _, e := range list(d, "hasExtractedLicensingInfos") {
		extracted[str(obj(e), "licenseId")] = true
	}
	known := func(ref string) bool {
		return ids[ref] != "" || ref == "NONE" || ref == "NOASSERTION" || strings.HasPrefix(ref, "DocumentRef-")
	}
	licenses := func(path, expr string) {
		if msg := checkLicense(expr); msg != "" {
			add(Error, "license", path, "%s", msg)
			return
		}
		for _, tok := range strings.FieldsFunc(expr, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
			if strings.HasPrefix(tok, "LicenseRef-") && !extracted[tok] {
				add(Warning, "license", path, "%s is not declared in hasExtractedLicensingInfos", tok)
			}
		}
	}
	var comps []comp
	hasFiles := map[string][]string{} // package -> files it lists
	for i, e := range list(d, "packages") {
		p := obj(e)
		path := fmt.Sprintf("/packages/%d", i)
		c := comp{path: path, id: str(p, "SPDXID"), name: str(p, "name"), version: str(p, "versionInfo")}
		if s := str(p, "supplier"); s != "" && s != "NOASSERTION" {
			c.supplier = s
		}
		for j, ref := range list(p, "externalRefs") {
			er := obj(ref)
			loc, typ := str(er, "referenceLocator"), str(er, "referenceType")
			rpath := fmt.Sprintf("%s/externalRefs/%d/referenceLocator", path, j)
			var bad, mismatch string
			switch typ {
			case "purl":
				bad, mismatch = checkPURL(loc, c.version)
				c.ids = append(c.ids, loc)
			case "cpe23Type":
				bad, mismatch = checkCPE(loc, c.version)
				c.ids = append(c.ids, loc)
			case "cpe22Type", "swid", "swh", "gitoid":
				c.ids = append(c.ids, loc)
			}
			if bad != "" {
				add(Error, "identifier", rpath, "%s", bad)
			}
			if mismatch != "" {
				add(Warning, "version-in-identifier", rpath, "%s", mismatch)
			}
		}
		for j, cs := range list(p, "checksums") {
			c.checksum = true
			if msg := checkHash(str(obj(cs), "algorithm"), str(obj(cs), "checksumValue")); msg != "" {
				add(Error, "checksum", fmt.Sprintf("%s/checksums/%d", path, j), "%s", msg)
			}
		}
		for _, k := range []string{"licenseDeclared", "licenseConcluded"} {
			if v := str(p, k); v != "" {
				licenses(path+"/"+k, v)
				if v != "NOASSERTION" && v != "NONE" {
					c.license = true
				}
			}
		}
		if dl := str(p, "downloadLocation"); dl != "" && dl != "NOASSERTION" && dl != "NONE" {
			c.download = true
		}
		for j, f := range list(p, "hasFiles") {
			if id, _ := f.(string); !known(id) {
				add(Error, "reference", fmt.Sprintf("%s/hasFiles/%d", path, j), "hasFiles names %s, which is not in the document", id)
			} else {
				hasFiles[c.id] = append(hasFiles[c.id], id)
			}
		}
		comps = append(comps, c)
	}
	var dd doc
	files := list(d, "files")
	dd.files = len(files)
	for i, e := range files {
		f := obj(e)
		has := false
		for j, cs := range list(f, "checksums") {
			has = true
			if msg := checkHash(str(obj(cs), "algorithm"), str(obj(cs), "checksumValue")); msg != "" {
				add(Error, "checksum", fmt.Sprintf("/files/%d/checksums/%d", i, j), "%s", msg)
			}
		}
		if has {
			dd.filesWithChecksum++
		}
		if v := str(f, "licenseConcluded"); v != "" {
			licenses(fmt.Sprintf("/files/%d/licenseConcluded", i), v)
		}
	}
	ci := obj(d["creationInfo"])
	dd.author = len(list(ci, "creators")) > 0
	dd.timestamp = str(ci, "created") != ""
	inGraph := map[string]bool{}
	contains := map[string][]string{}
	for p, fs := range hasFiles {
		contains[p] = append(contains[p], fs...)
	}
	describes, deps := false, false
	for _, id := range list(d, "documentDescribes") {
		if s, _ := id.(string); ids[s] != "" {
			describes = true
			inGraph[s] = true
		}
	}
	for i, e := range list(d, "relationships") {
		rel := obj(e)
		from, to, typ := str(rel, "spdxElementId"), str(rel, "relatedSpdxElement"), str(rel, "relationshipType")
		path := fmt.Sprintf("/relationships/%d", i)
		if !known(from) {
			add(Error, "reference", path+"/spdxElementId", "%s is not in the document", from)
		}
		if !known(to) {
			add(Error, "reference", path+"/relatedSpdxElement", "%s is not in the document", to)
		}
		inGraph[from], inGraph[to] = true, true
		switch typ {
		case "DESCRIBES":
			if from == str(d, "SPDXID") {
				describes = true
			}
		case "DESCRIBED_BY":
			if to == str(d, "SPDXID") {
				describes = true
			}
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
		add(Error, "cycle", "/relationships", "CONTAINS relationships form a cycle: %s", cyc)
	}
	dd.primary = describes
	dd.relationships = describes && deps
	for i := range comps {
		comps[i].inGraph = inGraph[comps[i].id]
	}
	r.NTIA = ntia(dd, comps)
	r.Quality = quality(dd, comps, r.NTIA)
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
