package scan

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/match"
)

// debianPackage is the Debian package a pkg:deb component names, with the
// release its distro qualifier gives ("debian-12" -> "12"); ok is false
// for any other component and for one whose release is not known.
func debianPackage(p *inventory.Package) (distroPkg, bool) {
	if p.Kind != inventory.KindOSPackage || !strings.HasPrefix(p.PURL, "pkg:deb/") {
		return distroPkg{}, false
	}
	u, err := packageurl.FromString(p.PURL)
	if err != nil || u.Version == "" || u.Namespace != "debian" {
		return distroPkg{}, false
	}
	q := u.Qualifiers.Map()
	d := distroPkg{name: u.Name, source: q["upstream"], version: u.Version}
	if d.source == "" {
		d.source = d.name
	}
	// Without the release, which Debian fix applies is unknown.
	release, ok := strings.CutPrefix(q["distro"], "debian-")
	if !ok || release == "" {
		return distroPkg{}, false
	}
	d.release = release
	return d, true
}

// debian matches a Debian package against Debian's advisories for its
// source package (a DSA, DLA or DTSA names the source, and the fixed
// binary version).
func (s *scanner) debian(p *inventory.Package, d distroPkg) ([]*Finding, error) {
	recs, ok := s.debCache[d.source]
	if !ok {
		var err error
		if recs, err = s.src.Lookup(s.ctx, "Debian", d.source); err != nil {
			return nil, err
		}
		s.debCache[d.source] = recs
	}
	var found []*Finding
	for _, rec := range recs {
		m := match.Debian(rec, d.release, d.source, d.version)
		if !m.Affected {
			continue
		}
		f := newFinding(p, d.version, rec, m, d.source)
		f.Labels = append(f.Labels, "distro-package")
		if m.Fixed != "" {
			f.Advice = "upgrade the distro package to " + m.Fixed + " or later (apt-get upgrade)"
		} else {
			f.Advice = "no fix in Debian yet"
		}
		found = append(found, f)
	}
	return found, nil
}
