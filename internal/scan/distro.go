package scan

import (
	"context"
	"fmt"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/match"
	"github.com/pysbom/pysbom/internal/osv"
)

// osPackage is the package of an OS distribution a component names
// (pkg:deb/debian or ubuntu, pkg:apk/alpine, pkg:rpm/redhat, almalinux or
// rocky), with the release its distro qualifier gives ("debian-12" -> "12", "ubuntu-22.04" -> "22.04",
// "alpine-3.20.3" -> "v3.20", "rhel-9.3" -> "9"); ok is
// false for any other component and for one whose release is not known:
// without it, which fix applies is unknown.
func osPackage(p *inventory.Package) (distroPkg, bool) {
	if p.Kind != inventory.KindOSPackage {
		return distroPkg{}, false
	}
	u, err := packageurl.FromString(p.PURL)
	if err != nil || u.Version == "" {
		return distroPkg{}, false
	}
	q := u.Qualifiers.Map()
	d := distroPkg{name: u.Name, source: q["upstream"], version: u.Version, purlType: u.Type}
	if d.source == "" {
		d.source = d.name
	}
	switch {
	case u.Type == "deb" && u.Namespace == "debian":
		d.ecosystem = "Debian"
		d.release, _ = strings.CutPrefix(q["distro"], "debian-")
		if d.release == q["distro"] {
			d.release = ""
		}
	case u.Type == "deb" && u.Namespace == "ubuntu":
		d.ecosystem = "Ubuntu"
		d.release, _ = strings.CutPrefix(q["distro"], "ubuntu-")
		if d.release == q["distro"] {
			d.release = ""
		}
	case u.Type == "apk" && (u.Namespace == "wolfi" || u.Namespace == "chainguard"):
		// rolling distributions: their records name no release
		d.ecosystem = map[string]string{"wolfi": "Wolfi", "chainguard": "Chainguard"}[u.Namespace]
		return d, true
	case u.Type == "apk" && u.Namespace == "alpine":
		d.ecosystem = "Alpine"
		// Alpine's advisories name a release as "v3.20".
		if v, ok := strings.CutPrefix(q["distro"], "alpine-"); ok {
			if parts := strings.Split(v, "."); len(parts) >= 2 && parts[0] != "" && parts[1] != "" {
				d.release = "v" + parts[0] + "." + parts[1]
			}
		}
	case u.Type == "rpm" && rpmEcosystems[u.Namespace] != "":
		// Red Hat's records name a product stream ("Red Hat:
		// enterprise_linux:9::appstream"), AlmaLinux's and Rocky's a major
		// release: both from the distro qualifier's major version.
		d.ecosystem = rpmEcosystems[u.Namespace]
		if _, v, ok := strings.Cut(q["distro"], "-"); ok {
			d.release, _, _ = strings.Cut(v, ".")
		}
		if e := q["epoch"]; e != "" && e != "0" {
			d.version = e + ":" + d.version
		}
	default:
		return distroPkg{}, false
	}
	return d, d.release != ""
}

// rpmEcosystems are the OSV ecosystems of rpm distributions, by purl
// namespace.
var rpmEcosystems = map[string]string{"redhat": "Red Hat", "almalinux": "AlmaLinux", "rocky": "Rocky Linux"}

// distroPackage matches an OS package against its distribution's
// advisories for its source package (a DSA, DLA or DTSA, an Alpine
// record: each names the source and the fixed binary version), with the
// distribution's version order.
func (s *scanner) distroPackage(p *inventory.Package, d distroPkg) ([]*Finding, error) {
	evaluate, upgrade := match.Debian, "apt-get upgrade"
	names := []string{d.source}
	switch d.ecosystem {
	case "Ubuntu":
		evaluate = match.Ubuntu
	case "Alpine":
		evaluate, upgrade = match.Alpine, "apk upgrade"
	case "Wolfi", "Chainguard":
		names, upgrade = []string{d.name, d.source}, "apk upgrade"
		evaluate = func(r *osv.Record, _, _, version string) match.Result {
			return match.APK(r, d.ecosystem, names, version)
		}
	case "Red Hat", "AlmaLinux", "Rocky Linux":
		// Red Hat's records name binary or source packages.
		names, upgrade = []string{d.name, d.source}, "dnf upgrade"
		inRelease := func(rel string) bool { return rel == "" || rel == d.release }
		if d.ecosystem == "Red Hat" {
			inRelease = func(rel string) bool {
				return rel == "enterprise_linux:"+d.release || strings.HasPrefix(rel, "enterprise_linux:"+d.release+":")
			}
		}
		evaluate = func(r *osv.Record, _, _, version string) match.Result {
			return match.RPM(r, d.ecosystem, inRelease, names, version)
		}
	}
	var recs []*osv.Record
	seen := map[string]bool{}
	for _, name := range names {
		rs, err := s.distroRecords(d.ecosystem, name)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if !seen[r.ID] {
				seen[r.ID] = true
				recs = append(recs, r)
			}
		}
	}
	var found []*Finding
	for _, rec := range recs {
		m := evaluate(rec, d.release, d.source, d.version)
		if !m.Affected {
			continue
		}
		f := newFinding(p, d.version, rec, m, d.source)
		f.Labels = append(f.Labels, "distro-package")
		if m.Fixed != "" {
			f.Advice = "upgrade the distro package to " + m.Fixed + " or later (" + upgrade + ")"
		} else {
			f.Advice = "no fix in " + d.ecosystem + " yet"
		}
		found = append(found, f)
	}
	return found, nil
}

// distroRecords are a distribution's records for a source package,
// looked up once per scan.
func (s *scanner) distroRecords(ecosystem, source string) ([]*osv.Record, error) {
	key := ecosystem + "/" + source
	recs, ok := s.debCache[key]
	if !ok {
		var err error
		if recs, err = s.src.Lookup(s.ctx, ecosystem, source); err != nil {
			return nil, err
		}
		s.debCache[key] = recs
	}
	return recs, nil
}

// distroAdvice decides a finding on a distro package's files by the
// distro's own advisory for the CVE, else by its changelog, else says the
// fix may be backported.
func (s *scanner) distroAdvice(f *Finding, p *inventory.Package, rec *osv.Record) error {
	f.Labels = append(f.Labels, "distro-package")
	dp := distroOf(p, s.distroOwned[p.ID])
	if dp.purlType != "" && (dp.purlType != "deb" || dp.namespace != "debian") {
		// Only Debian's advisories and changelogs are read: another
		// distribution's package (Ubuntu's too) is not decided by them.
		f.Advice = "distro package (" + strings.Trim(dp.purlType+"/"+dp.namespace, "/") + " " + dp.name + " " + dp.version + "): the upstream fix may be backported; see the distribution's advisory; " + f.Advice
		return nil
	}
	verdict, err := debianVerdict(s.ctx, s.src, s.debCache, dp, rec)
	if err != nil {
		return err
	}
	switch {
	case verdict != "" && strings.HasPrefix(verdict, "fixed"):
		f.Labels = append(f.Labels, "fixed-by-distro")
		f.Advice = verdict
	case verdict != "":
		f.Labels = append(f.Labels, "distro-affected")
		f.Advice = verdict
	default:
		if by := s.backport(dp, rec); by != "" {
			f.Labels = append(f.Labels, "fixed-by-distro")
			f.Advice = by
		} else {
			f.Advice = "distro package: the upstream fix may be backported; " + f.Advice
		}
	}
	return nil
}

// distroPkg is the distro package a component came in.
type distroPkg struct {
	name, source, version, release string
	ecosystem, purlType, namespace string // "Debian", "deb", "debian"; "Alpine", "apk", "alpine"
}

// distroOf finds the distro package of p, from its own record or from the
// package that CONTAINS it (its purl: pkg:deb/debian/NAME@VERSION?
// distro=debian-12&upstream=SOURCE).
func distroOf(p, owner *inventory.Package) distroPkg {
	var d distroPkg
	purl := ""
	switch {
	case p.Distro != nil:
		d = distroPkg{name: p.Distro.Name, source: p.Distro.Source, version: p.Distro.Version}
		purl = p.Distro.PURL
	case owner != nil:
		d = distroPkg{name: owner.Name, version: owner.Version}
		purl = owner.PURL
	}
	if u, err := packageurl.FromString(purl); err == nil {
		d.purlType, d.namespace = u.Type, u.Namespace
		if d.name == "" || owner != nil && p.Distro == nil {
			d.name, d.version = u.Name, u.Version
		}
		q := u.Qualifiers.Map()
		if d.source == "" {
			d.source = q["upstream"]
		}
		if rel, ok := strings.CutPrefix(q["distro"], "debian-"); ok {
			d.release = rel
		}
	}
	if d.source == "" {
		d.source = d.name
	}
	return d
}

// debianVerdict looks for a Debian advisory about the same vulnerability
// as rec for the distro package, and says what it decides: "fixed ..."
// when the installed version is at or past Debian's fix, else "Debian
// advisory ... affected ...", or "" when Debian has no such record.
func debianVerdict(ctx context.Context, src Source, cache map[string][]*osv.Record, d distroPkg, rec *osv.Record) (string, error) {
	if d.source == "" || d.version == "" {
		return "", nil
	}
	recs, ok := cache["Debian/"+d.source]
	if !ok {
		var err error
		if recs, err = src.Lookup(ctx, "Debian", d.source); err != nil {
			return "", err
		}
		cache["Debian/"+d.source] = recs
	}
	ids := map[string]bool{}
	for _, id := range rec.IDs() {
		ids[id] = true
	}
	for _, dr := range recs {
		same := false
		for _, id := range dr.IDs() {
			same = same || ids[id]
		}
		if !same {
			continue
		}
		m := match.Debian(dr, d.release, d.source, d.version)
		switch {
		case m.Affected && m.Fixed != "":
			return fmt.Sprintf("Debian advisory %s: %s %s is affected; the fix is in %s", dr.ID, d.source, d.version, m.Fixed), nil
		case m.Affected:
			return fmt.Sprintf("Debian advisory %s: %s %s is affected; no fix yet", dr.ID, d.source, d.version), nil
		case m.Fixed != "":
			return fmt.Sprintf("fixed in the distro package %s %s: Debian advisory %s says fixed in %s", d.name, d.version, dr.ID, m.Fixed), nil
		}
	}
	return "", nil
}

// backport says how the distro fixed rec in its package, or "". The
// changelog counts only when it is that exact package version's: the one
// the inventory carries (an image's own), else, for a target of this
// system, the installed package's; never this system's for an image.
func (s *scanner) backport(d distroPkg, rec *osv.Record) string {
	if d.name == "" {
		return ""
	}
	var installed string
	var fixed map[string]string
	switch c, ok := s.changelogs[d.name]; {
	case ok:
		installed, fixed = c.version, c.fixed
	case s.image || s.opt.Changelog == nil:
		return ""
	default:
		var err error
		if installed, fixed, err = s.opt.Changelog(d.name); err != nil {
			return ""
		}
	}
	if installed != d.version {
		return ""
	}
	for _, id := range rec.IDs() {
		if in, ok := fixed[id]; ok {
			return fmt.Sprintf("fixed in the distro package %s %s: its changelog names %s (entry %s)", d.name, d.version, id, in)
		}
	}
	return ""
}

// changelog is what a distro package's changelog, carried in the
// inventory, says: its version and the CVEs it names, each with its entry.
type changelog struct {
	version string
	fixed   map[string]string
}

// changelogsOf reads the changelogs the inventory's Debian packages carry
// (PropDistroChangelog: "VERSION: CVE=ENTRY ..."), by package name.
func changelogsOf(pkgs []*inventory.Package) map[string]changelog {
	out := map[string]changelog{}
	for _, p := range pkgs {
		for _, pr := range p.Properties {
			if pr.Name != inventory.PropDistroChangelog {
				continue
			}
			version, rest, ok := strings.Cut(pr.Value, ":")
			if !ok {
				continue
			}
			c := changelog{version: version, fixed: map[string]string{}}
			for _, f := range strings.Fields(rest) {
				if cve, entry, ok := strings.Cut(f, "="); ok {
					c.fixed[cve] = entry
				}
			}
			out[p.Name] = c
		}
	}
	return out
}
