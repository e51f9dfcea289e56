package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// Semver evaluates record r for package name of a SemVer-ordered
// ecosystem ("crates.io", "Go") at version ver: versions[] by exact
// string, ECOSYSTEM and SEMVER ranges in SemVer order.
func Semver(r *osv.Record, ecosystem, name, ver string) Result {
	var res Result
	if r.Withdrawn != "" {
		return res
	}
	v, verr := parseSemver(ver)
	for _, a := range r.Affected {
		if osv.EcosystemBase(a.Package.Ecosystem) != ecosystem || a.Package.Name != name {
			continue
		}
		for _, s := range a.Versions {
			if s == ver || strings.TrimPrefix(s, "v") == strings.TrimPrefix(ver, "v") {
				res.Affected, res.How = true, "versions[] lists "+s
			}
		}
		if verr != nil {
			res.Unparseable = true
			continue
		}
		for _, rg := range a.Ranges {
			if rg.Type != "ECOSYSTEM" && rg.Type != "SEMVER" {
				continue
			}
			rr, _ := evaluateRange(rg, parseSemverVersion, v)
			res.Diagnostics = append(res.Diagnostics, rr.Diagnostics...)
			if rr.Affected {
				return merge(res, rr)
			}
		}
	}
	return res
}

// Tag evaluates a record's GIT ranges on repository repo by upstream tag
// names, offline: osv.dev lists the tags of affected commits in
// versions[], so a component at one of tags is affected when an affected
// entry whose GIT range names the repository lists it. The commit graph
// is not evaluated; specs/vulnerability-matching.md §10 calls such a
// match confidence=tag. Fixed names the first fixing commit.
func Tag(r *osv.Record, repo string, tags []string) Result {
	var res Result
	if r.Withdrawn != "" || len(tags) == 0 {
		return res
	}
	repo = osv.NormalizeRepo(repo)
	for _, a := range r.Affected {
		onRepo := false
		var fixed []string
		for _, rg := range a.Ranges {
			if rg.Type == "GIT" && osv.NormalizeRepo(rg.Repo) == repo {
				onRepo = true
				for _, e := range rg.Events {
					if e.Fixed != "" {
						fixed = append(fixed, e.Fixed)
					}
				}
			}
		}
		if !onRepo {
			continue
		}
		for _, s := range a.Versions {
			if slices.Contains(tags, s) {
				res.Affected, res.How = true, fmt.Sprintf("versions[] of the GIT range on %s lists tag %s", repo, s)
				if len(fixed) > 0 {
					res.Fixed = "commit " + fixed[0]
				}
				return res
			}
		}
	}
	return res
}
