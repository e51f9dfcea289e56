package validate

import (
	"fmt"
	"sort"
)

func sortStrings(s []string) { sort.Strings(s) }

// checkCycloneDX runs the semantic, NTIA and quality checks on a
// CycloneDX 1.x document.
func checkCycloneDX(r *Report, d map[string]any) {
	add := func(sev Severity, check, path, format string, args ...any) {
		r.Semantic = append(r.Semantic, Finding{Check: check, Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	refs := map[string]string{} // bom-ref -> path
	declare := func(ref, path string) {
		if ref == "" {
			return
		}
		if first, dup := refs[ref]; dup {
			add(Error, "duplicate-id", path, "bom-ref %q is also used at %s", ref, first)
			return
		}
		refs[ref] = path
	}
	var comps []comp
	var dd doc
	var walk func(c map[string]any, path string)
	walk = func(c map[string]any, path string) {
		declare(str(c, "bom-ref"), path+"/bom-ref")
		if str(c, "type") == "file" {
			dd.files++
			if len(list(c, "hashes")) > 0 {
				dd.filesWithChecksum++
			}
		} else {
			cc := comp{path: path, id: str(c, "bom-ref"), name: str(c, "name"), version: str(c, "version")}
			switch {
			case obj(c["supplier"]) != nil && str(obj(c["supplier"]), "name") != "":
				cc.supplier = str(obj(c["supplier"]), "name")
			case obj(c["manufacturer"]) != nil && str(obj(c["manufacturer"]), "name") != "":
				cc.supplier = str(obj(c["manufacturer"]), "name")
			}
			if p := str(c, "purl"); p != "" {
				cc.ids = append(cc.ids, p)
				bad, mismatch := checkPURL(p, cc.version)
				if bad != "" {
					add(Error, "identifier", path+"/purl", "%s", bad)
				}
				if mismatch != "" {
					add(Warning, "version-in-identifier", path+"/purl", "%s", mismatch)
				}
			}
			if p := str(c, "cpe"); p != "" {
				cc.ids = append(cc.ids, p)
				bad, mismatch := checkCPE(p, cc.version)
				if bad != "" {
					add(Error, "identifier", path+"/cpe", "%s", bad)
				}
				if mismatch != "" {
					add(Warning, "version-in-identifier", path+"/cpe", "%s", mismatch)
				}
			}
			if obj(c["swid"]) != nil || str(c, "omniborId") != "" || str(c, "swhid") != "" {
				cc.ids = append(cc.ids, "swid")
			}
			cc.checksum = len(list(c, "hashes")) > 0
			cc.license = len(list(c, "licenses")) > 0
			for _, er := range list(c, "externalReferences") {
				if t := str(obj(er), "type"); t == "distribution" || t == "distribution-intake" {
					cc.download = true
				}
			}
			comps = append(comps, cc)
		}
		for j, h := range list(c, "hashes") {
			if msg := checkHash(str(obj(h), "alg"), str(obj(h), "content")); msg != "" {
				add(Error, "checksum", fmt.Sprintf("%s/hashes/%d", path, j), "%s", msg)
			}
		}
		for j, l := range list(c, "licenses") {
			if e := str(obj(l), "expression"); e != "" {
				if msg := checkLicense(e); msg != "" {
					add(Error, "license", fmt.Sprintf("%s/licenses/%d/expression", path, j), "%s", msg)
				}
			}
		}
		for j, sub := range list(c, "components") {
			walk(obj(sub), fmt.Sprintf("%s/components/%d", path, j))
		}
	}
	meta := obj(d["metadata"])
	if mc := obj(meta["component"]); mc != nil {
		dd.primary = true
		walk(mc, "/metadata/component")
	}
	for i, c := range list(d, "components") {
		walk(obj(c), fmt.Sprintf("/components/%d", i))
	}
	for i, s := range list(d, "services") {
		declare(str(obj(s), "bom-ref"), fmt.Sprintf("/services/%d/bom-ref", i))
	}
	dd.author = len(list(meta, "authors")) > 0 || meta["tools"] != nil || obj(meta["manufacture"]) != nil || obj(meta["manufacturer"]) != nil
	dd.timestamp = str(meta, "timestamp") != ""
	inGraph := map[string]bool{}
	for i, e := range list(d, "dependencies") {
		dep := obj(e)
		ref := str(dep, "ref")
		path := fmt.Sprintf("/dependencies/%d", i)
		if refs[ref] == "" {
			add(Error, "reference", path+"/ref", "dependency ref %q names no component or service", ref)
		}
		inGraph[ref] = true
		for j, to := range list(dep, "dependsOn") {
			s, _ := to.(string)
			if refs[s] == "" {
				add(Error, "reference", fmt.Sprintf("%s/dependsOn/%d", path, j), "dependsOn %q names no component or service", s)
			}
			inGraph[s] = true
			dd.relationships = true
		}
	}
	for i := range comps {
		comps[i].inGraph = inGraph[comps[i].id]
	}
	r.NTIA = ntia(dd, comps)
	r.Quality = quality(dd, comps, r.NTIA)
}
