package extract

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// Lock turns a parsed lock or requirements file into an inventory. The
// file is the root and CONTAINS every locked package; DEPENDS_ON comes
// from the lock's own graph. An unpinned requirement is a component with
// no version and a problem that says so; its version is never guessed.
func Lock(l *lockfile.Lock, opt Options) *inventory.Inventory {
	inv := &inventory.Inventory{}
	root := &inventory.Package{ID: "lockfile", Kind: inventory.KindCollection, FoundBy: "python/" + l.Format}
	inv.Root = root
	byName := map[string][]*inventory.Package{}
	var lines []string
	for _, lp := range l.Packages {
		key := pep503.Normalize(lp.Name)
		p := &inventory.Package{
			Kind: inventory.KindDistribution, Name: lp.Name, Version: lp.Version, FoundBy: "python/" + l.Format,
		}
		p.ID = inventory.DistributionID(key, lp.Version)
		if lp.Version == "" {
			p.ID = "pypi/" + key
		}
		for n := 2; inv.Find(p.ID) != nil; n++ {
			p.ID = fmt.Sprintf("%s#%d", strings.SplitN(p.ID, "#", 2)[0], n)
		}
		var q packageurl.Qualifiers
		switch lp.SourceKind {
		case "vcs":
			q = append(q, packageurl.Qualifier{Key: "vcs_url", Value: lp.Source})
		case "url":
			q = append(q, packageurl.Qualifier{Key: "download_url", Value: lp.Source})
		case "registry":
			if lp.Source != "" && !strings.HasPrefix(lp.Source, "https://pypi.org/") && !strings.HasPrefix(lp.Source, "https://files.pythonhosted.org/") {
				q = append(q, packageurl.Qualifier{Key: "repository_url", Value: lp.Source})
			}
		}
		p.PURL = packageurl.NewPackageURL("pypi", "", key, lp.Version, q, "").ToString()
		switch lp.SourceKind {
		case "vcs", "url":
			p.Extend().DownloadLocation = lp.Source
		case "registry":
			if strings.HasSuffix(lp.Source, ".tar.gz") || strings.HasSuffix(lp.Source, ".whl") || strings.HasSuffix(lp.Source, ".zip") {
				p.Extend().DownloadLocation = lp.Source
			}
		}
		for _, h := range lp.Hashes {
			a := inventory.Algorithm(strings.ToUpper(h.Algorithm))
			p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropLockHash, Value: h.Algorithm + ":" + h.Value})
			if len(lp.Hashes) == 1 && (a == inventory.SHA256 || a == inventory.SHA512 || a == inventory.SHA384) {
				// One hash is the archive's checksum; with several (one per
				// wheel and sdist) no single one is "the" package's.
				p.Hashes = append(p.Hashes, inventory.Hash{Algorithm: a, Value: h.Value})
			}
		}
		for _, a := range lp.Artifacts {
			art := inventory.Artifact{Name: a.Name, URL: a.URL}
			for _, h := range a.Hashes {
				art.Hashes = append(art.Hashes, inventory.Hash{Algorithm: inventory.Algorithm(strings.ToUpper(h.Algorithm)), Value: h.Value})
			}
			p.Extend().Artifacts = append(p.More().Artifacts, art)
		}
		prop := func(n, v string) {
			if v != "" {
				p.Properties = append(p.Properties, inventory.Property{Name: n, Value: v})
			}
		}
		prop(inventory.PropLockSource, lp.Source)
		prop(inventory.PropLockSourceKind, lp.SourceKind)
		prop(inventory.PropLockMarker, lp.Marker)
		prop(inventory.PropLockExtras, strings.Join(lp.Extras, ","))
		prop(inventory.PropLockGroups, strings.Join(lp.Groups, ","))
		if lp.Line > 0 {
			prop(inventory.PropLockLine, fmt.Sprint(lp.Line))
		}
		if lp.Version == "" {
			spec := lp.Specifier
			if spec == "" {
				spec = "any version"
			}
			prop(inventory.PropLockRequirement, spec)
			msg := fmt.Sprintf("%s is not pinned (%s): its version is not in the lock", lp.Name, spec)
			if lp.Source != "" && lp.SourceKind != "registry" {
				msg = fmt.Sprintf("%s comes from %s; the lock does not say its version", lp.Name, lp.Source)
			}
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unpinned, Package: p.ID, Message: msg})
		}
		p.Supplier = lockSupplier(lp, opt.Supplier)
		inv.Packages = append(inv.Packages, p)
		byName[key] = append(byName[key], p)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.Contains, To: p.ID})
		lines = append(lines, p.ID+" "+strings.Join(hashValues(lp.Hashes), ","))
	}
	for i, lp := range l.Packages {
		from := inv.Packages[i]
		for _, d := range lp.Dependencies {
			name, version, _ := strings.Cut(d, "@")
			for _, to := range byName[name] {
				if version == "" || to.Version == version {
					inv.Relationships = append(inv.Relationships, inventory.Relationship{From: from.ID, Type: inventory.DependsOn, To: to.ID})
				}
			}
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	root.Name = opt.Name
	if root.Name == "" {
		root.Name = displayPath(l.File)
	}
	root.Version = fmt.Sprintf("sha256:%x", sum[:6])
	root.Extend().Summary = fmt.Sprintf("%s with %s", l.Format, plural(len(l.Packages), "package", "packages"))
	root.PURL = packageurl.NewPackageURL("generic", "", strings.ReplaceAll(root.Name, "/", "_"), root.Version, nil, "").ToString()
	root.Supplier = opt.Supplier // the owner of the file is not a supplier
	unknownSuppliers(inv)
	inv.Sort()
	return inv
}

func hashValues(hs []lockfile.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Algorithm + ":" + h.Value
	}
	sort.Strings(out)
	return out
}

// pypiIndex is the supplier of packages locked from the Python Package Index.
var pypiIndex = inventory.Party{Kind: inventory.Organization, Name: "Python Package Index (pypi.org)"}

// lockSupplier is who distributes a locked package, from where the lock
// says it comes: the index for registry packages (PyPI when the lock
// names none), the repository owner for VCS sources on a known code host,
// and the project's own supplier (--supplier) for local paths, never the
// owner of a file.
func lockSupplier(lp lockfile.Package, project inventory.Party) inventory.Party {
	switch lp.SourceKind {
	case "", "registry":
		if lp.Source == "" || strings.Contains(lp.Source, "pypi.org/") || strings.Contains(lp.Source, "files.pythonhosted.org/") {
			return pypiIndex
		}
		if u, err := url.Parse(lp.Source); err == nil && u.Host != "" {
			return inventory.Party{Kind: inventory.Organization, Name: "package index " + u.Host}
		}
	case "vcs", "url":
		raw := lp.Source // "git+https://host/owner/repo@rev": drop the VCS prefix
		if i := strings.Index(raw, "+"); i >= 0 && i < strings.Index(raw, "://") {
			raw = raw[i+1:]
		}
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			parts := strings.Split(strings.Trim(u.Path, "/"), "/")
			if forgeHosts[strings.TrimPrefix(u.Host, "www.")] && len(parts) >= 2 {
				return inventory.Party{Kind: inventory.Organization, Name: parts[0]}
			}
			return inventory.Party{Kind: inventory.Organization, Name: u.Host}
		}
	}
	return project // a local path: the project's own (--supplier), else unknown
}

var forgeHosts = map[string]bool{"github.com": true, "gitlab.com": true, "codeberg.org": true, "bitbucket.org": true}

// plural is "1 package" or "2 packages".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
