package scan

import (
	"context"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/match"
	"github.com/pysbom/pysbom/internal/native/upstream"
	"github.com/pysbom/pysbom/internal/nvd"
	"github.com/pysbom/pysbom/internal/osv"
)

// nativeQuery is how a component outside PyPI is looked up: a Rust crate
// or Go module by its ecosystem, a C library by its upstream repository
// and release tags.
type nativeQuery struct {
	eco, name, version string
	tags               []string // GIT: the tag names of the version
}

func nativeQueryOf(p *inventory.Package) (nativeQuery, bool) {
	if p.PURL == "" {
		return nativeQuery{}, false
	}
	u, err := packageurl.FromString(p.PURL)
	if err != nil {
		return nativeQuery{}, false
	}
	v := u.Version
	if v == "" {
		v = p.Version
	}
	if v == "" {
		return nativeQuery{}, false
	}
	switch u.Type {
	case "cargo":
		return nativeQuery{eco: "crates.io", name: u.Name, version: v}, true
	case "golang":
		name := u.Name
		if u.Namespace != "" {
			name = u.Namespace + "/" + u.Name
		}
		return nativeQuery{eco: "Go", name: name, version: v}, true
	case "generic":
		if proj, ok := upstream.Lookup(u.Name); ok {
			return nativeQuery{eco: "GIT", name: proj.Repo, version: v, tags: proj.Tags(v)}, true
		}
	}
	return nativeQuery{}, false
}

// native matches a component outside PyPI; records are cached by
// ecosystem and name.
func native(ctx context.Context, src Source, cache map[string][]*osv.Record, p *inventory.Package, q nativeQuery) ([]*Finding, error) {
	recs, err := lookupCached(ctx, src, cache, q.eco, q.name)
	if err != nil {
		return nil, err
	}
	var out []*Finding
	for _, rec := range recs {
		var m match.Result
		labels := []string{"native"}
		if q.eco == "GIT" {
			m = match.Tag(rec, q.name, q.tags)
			labels = append(labels, "confidence=tag")
		} else {
			m = match.Semver(rec, q.eco, q.name, q.version)
		}
		if !m.Affected {
			continue
		}
		f := newFinding(p, q.version, rec, m, q.name)
		f.Labels = labels
		out = append(out, f)
	}
	return out, nil
}

// cpeFindings matches a component's CPEs against CPE records.
func cpeFindings(ctx context.Context, src Source, cache map[string][]*osv.Record, p *inventory.Package) ([]*Finding, error) {
	var out []*Finding
	for _, cpe := range p.More().CPEs {
		product, version, ok := nvd.Product(cpe)
		if !ok {
			continue
		}
		if version == "" {
			version = p.Version
		}
		if version == "" {
			continue
		}
		recs, err := lookupCached(ctx, src, cache, nvd.Ecosystem, product)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			m := match.Generic(rec, nvd.Ecosystem, product, version)
			if !m.Affected {
				continue
			}
			f := newFinding(p, version, rec, m, product)
			f.How = "CPE " + product + ": " + m.How
			f.Labels = []string{"native", "confidence=cpe"}
			out = append(out, f)
		}
	}
	return out, nil
}

// lookupCached returns the records of a package, asking src once per scan.
func lookupCached(ctx context.Context, src Source, cache map[string][]*osv.Record, ecosystem, name string) ([]*osv.Record, error) {
	key := ecosystem + "/" + name
	if recs, ok := cache[key]; ok {
		return recs, nil
	}
	recs, err := src.Lookup(ctx, ecosystem, name)
	if err != nil {
		return nil, err
	}
	cache[key] = recs
	return recs, nil
}
