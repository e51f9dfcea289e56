package validate

import (
	"fmt"
	"sort"
)

func sortStrings(s []string) { sort.Strings(s) }

// checkCycloneDX runs the semantic, NTIA and quality checks on a
// CycloneDX 1.x document held whole.
func checkCycloneDX(r *Report, d map[string]any) {
	c := newCDXChecker(r, d)
	for i, v := range list(d, "components") {
		c.component(obj(v), fmt.Sprintf("/components/%d", i))
	}
	for i, v := range list(d, "services") {
		c.service(obj(v), i)
	}
	for i, v := range list(d, "dependencies") {
		c.dependency(obj(v), i)
	}
	c.finish()
}

// cdxChecker checks a CycloneDX document a part at a time: the top of
// the document first (newCDXChecker), then each component, each service
// and each dependency, in that order, then finish. What it keeps of a
// component is its bom-ref and counts.
type cdxChecker struct {
	r    *Report
	refs idTable
	t    tally
	dd   doc
}

func newCDXChecker(r *Report, top map[string]any) *cdxChecker {
	c := &cdxChecker{r: r, refs: idTable{}}
	meta := obj(top["metadata"])
	c.dd.author = len(list(meta, "authors")) > 0 || meta["tools"] != nil || obj(meta["manufacture"]) != nil || obj(meta["manufacturer"]) != nil
	c.dd.timestamp = str(meta, "timestamp") != ""
	if mc := obj(meta["component"]); mc != nil {
		c.dd.primary = true
		c.component(mc, "/metadata/component")
	}
	return c
}

func (c *cdxChecker) add(sev Severity, check, path, format string, args ...any) {
	c.r.Semantic = append(c.r.Semantic, Finding{Check: check, Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
}

// declare records a bom-ref where it is first used; comp counts it as
// one more component's.
func (c *cdxChecker) declare(ref, path string, comp bool) {
	if first := c.refs.declare(ref, path, comp); first != "" {
		c.add(Error, "duplicate-id", path, "bom-ref %q is also used at %s", ref, first)
	}
}

// component checks one component and those nested in it.
func (c *cdxChecker) component(v map[string]any, path string) {
	file := str(v, "type") == "file"
	c.declare(str(v, "bom-ref"), path+"/bom-ref", !file)
	if file {
		c.dd.files++
		if len(list(v, "hashes")) > 0 {
			c.dd.filesWithChecksum++
		}
	} else {
		c.t.add(c.describe(v, path))
	}
	for j, h := range list(v, "hashes") {
		if msg := checkHash(str(obj(h), "alg"), str(obj(h), "content")); msg != "" {
			c.add(Error, "checksum", fmt.Sprintf("%s/hashes/%d", path, j), "%s", msg)
		}
	}
	for j, l := range list(v, "licenses") {
		if e := str(obj(l), "expression"); e != "" {
			if msg := checkLicense(e); msg != "" {
				c.add(Error, "license", fmt.Sprintf("%s/licenses/%d/expression", path, j), "%s", msg)
			}
		}
	}
	for j, sub := range list(v, "components") {
		c.component(obj(sub), fmt.Sprintf("%s/components/%d", path, j))
	}
}

// describe checks a component's identifiers and says what NTIA and the
// quality score need of it.
func (c *cdxChecker) describe(v map[string]any, path string) comp {
	cc := comp{path: path, id: str(v, "bom-ref"), name: str(v, "name"), version: str(v, "version")}
	switch {
	case obj(v["supplier"]) != nil && str(obj(v["supplier"]), "name") != "":
		cc.supplier = str(obj(v["supplier"]), "name")
	case obj(v["manufacturer"]) != nil && str(obj(v["manufacturer"]), "name") != "":
		cc.supplier = str(obj(v["manufacturer"]), "name")
	}
	for _, id := range []struct {
		key   string
		check func(s, version string) (string, string)
	}{{"purl", checkPURL}, {"cpe", checkCPE}} {
		p := str(v, id.key)
		if p == "" {
			continue
		}
		cc.ids = append(cc.ids, p)
		bad, mismatch := id.check(p, cc.version)
		if bad != "" {
			c.add(Error, "identifier", path+"/"+id.key, "%s", bad)
		}
		if mismatch != "" {
			c.add(Warning, "version-in-identifier", path+"/"+id.key, "%s", mismatch)
		}
	}
	if obj(v["swid"]) != nil || str(v, "omniborId") != "" || str(v, "swhid") != "" {
		cc.ids = append(cc.ids, "swid")
	}
	cc.checksum = len(list(v, "hashes")) > 0
	cc.license = len(list(v, "licenses")) > 0
	for _, er := range list(v, "externalReferences") {
		if t := str(obj(er), "type"); t == "distribution" || t == "distribution-intake" {
			cc.download = true
		}
	}
	return cc
}

func (c *cdxChecker) service(v map[string]any, i int) {
	c.declare(str(v, "bom-ref"), fmt.Sprintf("/services/%d/bom-ref", i), false)
}

// dependency checks that one dependency's refs name components or
// services, all of which have been declared by then.
func (c *cdxChecker) dependency(v map[string]any, i int) {
	path := fmt.Sprintf("/dependencies/%d", i)
	ref := str(v, "ref")
	if !c.refs.mark(ref) {
		c.add(Error, "reference", path+"/ref", "dependency ref %q names no component or service", ref)
	}
	for j, to := range list(v, "dependsOn") {
		s, _ := to.(string)
		if !c.refs.mark(s) {
			c.add(Error, "reference", fmt.Sprintf("%s/dependsOn/%d", path, j), "dependsOn %q names no component or service", s)
		}
		c.dd.relationships = true
	}
}

func (c *cdxChecker) finish() {
	c.t.inGraph = c.refs.inGraph()
	c.r.NTIA = ntia(c.dd, &c.t)
	c.r.Quality = quality(c.dd, &c.t, c.r.NTIA)
}
