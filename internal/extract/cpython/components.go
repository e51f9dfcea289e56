package cpython

import (
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/extract/wheel"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/upstream"
)

// FoundBy names this extractor in the inventory.
const FoundBy = "python/cpython"

var psf = inventory.Party{Kind: inventory.Organization, Name: "Python Software Foundation"}

// Owner returns the distro package that installed a file.
type Owner func(path string) (*inventory.DistroPackage, bool)

// Parts are CPython's components and relationships.
type Parts struct {
	Packages      []*inventory.Package
	Relationships []inventory.Relationship
	Problems      []inventory.Problem
}

// Components turns the build into inventory. interp, the interpreter
// component, gets the exact version and the build configuration; rel
// makes a path relative to the SBOM's root; owner finds distro packages.
func (b *Build) Components(interp *inventory.Package, rel func(string) string, owner Owner) Parts {
	var out Parts
	out.Problems = append(out.Problems, b.Problems...)
	if b.Version != "" && interp.Version != b.Version {
		interp.Version = b.Version
		interp.ID = "python/cpython@" + b.Version
		interp.PURL = "pkg:generic/cpython@" + b.Version
		interp.CPEs = []string{"cpe:2.3:a:python:python:" + b.Version + ":*:*:*:*:*:*:*"}
	}
	if b.VersionFrom != "" {
		interp.Properties = append(interp.Properties, inventory.Property{Name: "pysbom:cpython:version-from", Value: rel(b.VersionFrom)})
	}
	for _, k := range buildVars {
		if v, ok := b.Vars[k]; ok {
			interp.Properties = append(interp.Properties, inventory.Property{Name: "pysbom:cpython:" + k, Value: v})
		}
	}
	contains := func(to string) {
		out.Relationships = append(out.Relationships, inventory.Relationship{From: interp.ID, Type: inventory.Contains, To: to})
	}
	dependsOn := func(from, to string) {
		out.Relationships = append(out.Relationships, inventory.Relationship{From: from, Type: inventory.DependsOn, To: to})
	}
	vendored := map[string]*inventory.Package{}
	addVendored := func(bin *Binary, name, version, purl, cpe, evidence string) {
		id := interp.ID + ">generic/" + name + "@" + version
		if p, ok := vendored[id]; ok {
			p.Properties = append(p.Properties, inventory.Property{Name: "pysbom:native:evidence", Value: evidence})
			return
		}
		p := &inventory.Package{ID: id, Kind: inventory.KindLibrary, Name: name, Version: version, PURL: purl, Supplier: psf,
			FoundBy: FoundBy, Summary: "vendored in CPython and compiled into " + bin.Name,
			Properties: []inventory.Property{{Name: "pysbom:native:evidence", Value: evidence}, {Name: "pysbom:cpython:vendored", Value: "true"}}}
		if cpe != "" {
			p.CPEs = []string{cpe}
		}
		vendored[id] = p
		out.Packages = append(out.Packages, p)
		contains(id)
	}
	found := map[string]string{}  // vendored library -> version the bytes show
	libIDs := map[string]string{} // real path -> component ID
	for _, path := range b.sortedLibs() {
		l := b.Libs[path]
		p := b.libComponent(l, rel, owner)
		libIDs[path] = p.ID
		out.Packages = append(out.Packages, p)
	}
	for _, path := range b.sortedLibs() {
		for _, to := range b.Libs[path].Links {
			if id, ok := libIDs[to]; ok && id != libIDs[path] {
				dependsOn(libIDs[path], id)
			}
		}
	}
	own := func(bin *Binary, from string) {
		for _, to := range bin.Links {
			if id, ok := libIDs[to]; ok {
				dependsOn(from, id)
			}
		}
		for _, m := range bin.Vendored {
			if linksTo(bin, m.Name) {
				continue // the system's copy is linked, not a vendored one
			}
			cpe := ""
			if m.Version != "" {
				cpe = m.CPE23()
			}
			addVendored(bin, m.Name, m.Version, m.PURL(), cpe, rel(bin.Path)+" contains "+m.Name+": "+m.Evidence)
			found[m.Name] = m.Version
		}
		// HACL* and libb2 leave no version in the bytes: the source
		// tree's SBOM gives it when present; otherwise, like vendored
		// Python code without a version, they are reported, not guessed.
		for _, v := range []struct {
			on              bool
			name, pkg, sign string
		}{{bin.HACL, "HACL*", "hacl-star", "Hacl_* functions"}, {bin.Blake2, "libb2", "libb2", "PyBlake2_* functions"}} {
			if !v.on {
				continue
			}
			found[v.pkg] = ""
			if sp, ok := b.Source[v.pkg]; ok && sp.Version != "" {
				addVendored(bin, v.pkg, sp.Version, "pkg:generic/"+v.pkg+"@"+sp.Version, sp.cpeOf(),
					rel(bin.Path)+" contains "+v.sign+"; version from "+rel(b.SourceSBOM))
				continue
			}
			out.Problems = append(out.Problems, inventory.Problem{Kind: inventory.UnknownVendored, Package: interp.ID, Path: rel(bin.Path),
				Message: fmt.Sprintf("contains CPython's vendored %s (%s) with no version in its bytes; not in this SBOM as a component", v.name, v.sign)})
		}
	}
	for _, c := range b.Core {
		own(c, interp.ID)
		if strings.HasPrefix(filepath.Base(c.Path), "libpython") {
			interp.Properties = append(interp.Properties, inventory.Property{Name: "pysbom:cpython:libpython", Value: rel(c.Path)})
		}
	}
	for _, m := range b.Modules {
		id := interp.ID + ">module/" + m.Name
		out.Packages = append(out.Packages, &inventory.Package{ID: id, Kind: inventory.KindLibrary, Name: m.Name, Version: interp.Version,
			PURL:     "pkg:generic/cpython@" + interp.Version + "#" + b.inPrefix(m.Path),
			Supplier: psf, License: interp.License, FoundBy: FoundBy, Summary: "CPython extension module " + m.Name,
			Files:      []inventory.File{fileOf(rel(m.Path), m.Size, m.SHA1, m.SHA256)},
			Properties: []inventory.Property{{Name: "pysbom:cpython:module", Value: "lib-dynload"}}})
		contains(id)
		own(m, id)
	}
	b.bundledWheels(interp, &out)
	out.Problems = append(out.Problems, b.crossCheck(found, rel)...)
	if b.SourceSBOM != "" {
		interp.Properties = append(interp.Properties, inventory.Property{Name: "pysbom:cpython:source-sbom", Value: rel(b.SourceSBOM)})
	}
	return out
}

// linksTo reports whether bin links a system copy of the named library.
func linksTo(bin *Binary, name string) bool {
	prefix := map[string]string{"expat": "libexpat.", "mpdecimal": "libmpdec.", "libffi": "libffi.", "sqlite": "libsqlite3.",
		"zlib": "libz.", "openssl": "libcrypto.", "bzip2": "libbz2.", "xz": "liblzma."}[name]
	return prefix != "" && slices.ContainsFunc(bin.Needed, func(n string) bool { return strings.HasPrefix(n, prefix) })
}

// fileOf is a file entry with the checksums read from its bytes.
func fileOf(path string, size int64, s1, s256 []byte) inventory.File {
	return inventory.File{Path: path, Size: size, Hashes: []inventory.Hash{
		{Algorithm: inventory.SHA1, Value: hex.EncodeToString(s1)}, {Algorithm: inventory.SHA256, Value: hex.EncodeToString(s256)}}}
}

func (b *Build) sortedLibs() []string {
	var out []string
	for p := range b.Libs {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// libComponent describes a linked shared library: the upstream library
// its bytes show (else its SONAME), and the distro package owning it.
func (b *Build) libComponent(l *Lib, rel func(string) string, owner Owner) *inventory.Package {
	soname := l.SONAME
	if soname == "" {
		soname = filepath.Base(l.Loaded)
	}
	name, _, _ := strings.Cut(soname, ".so")
	name = upstream.Name(name)
	p := &inventory.Package{ID: "shared-library/" + soname, Kind: inventory.KindLibrary, Name: name, FoundBy: FoundBy,
		Summary:    "shared library " + soname + " linked by CPython",
		Properties: []inventory.Property{{Name: "pysbom:native:file", Value: l.Path}, {Name: "pysbom:native:soname", Value: soname}}}
	for _, m := range l.Matches {
		if m.Version != "" {
			p.Name, p.Version, p.PURL, p.CPEs = m.Name, m.Version, m.PURL(), []string{m.CPE23()}
			p.Properties = append(p.Properties, inventory.Property{Name: "pysbom:native:evidence", Value: m.Evidence}, inventory.Property{Name: "pysbom:native:confidence", Value: m.Confidence})
			break
		}
	}
	for _, candidate := range mergedUsr(l.Path, l.Loaded) {
		if d, ok := owner(candidate); ok {
			p.Distro = d
			if p.Version == "" {
				p.Version = upstreamOf(d.Version)
				p.Properties = append(p.Properties, inventory.Property{Name: "pysbom:native:version-from", Value: "the upstream part of " + d.Name + " " + d.Version})
			}
			p.Supplier = inventory.Party{Kind: inventory.Organization, Name: distroName(d.Distro)}
			break
		}
	}
	if p.PURL == "" && p.Version != "" {
		p.PURL = "pkg:generic/" + p.Name + "@" + p.Version
	}
	if l.SHA256 != nil {
		p.Files = []inventory.File{fileOf(l.Path, l.Size, l.SHA1, l.SHA256)}
	}
	return p
}

// upstreamOf strips a Debian epoch, revision and repack suffix:
// "1:2.1.5-2" is 2.1.5, "2.12.1+dfsg-5" is 2.12.1.
func upstreamOf(v string) string {
	if _, rest, ok := strings.Cut(v, ":"); ok {
		v = rest
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	for _, sep := range []string{"+dfsg", "+ds", "~", "+really"} {
		if i := strings.Index(v, sep); i > 0 {
			v = v[:i]
		}
	}
	return v
}

func distroName(d string) string {
	switch d {
	case "debian":
		return "Debian"
	case "ubuntu":
		return "Ubuntu"
	case "":
		return "the operating system"
	}
	return d
}

// bundledWheels adds the wheels of ensurepip/_bundled and what they carry,
// with IDs scoped to CPython (pip is often installed beside it too).
func (b *Build) bundledWheels(interp *inventory.Package, out *Parts) {
	for _, w := range b.Wheels {
		res, err := wheel.Read(w, archive.DefaultLimits)
		if err != nil {
			out.Problems = append(out.Problems, inventory.Problem{Kind: inventory.Unreadable, Path: w, Message: err.Error()})
			continue
		}
		res.Bundle(interp.ID)
		out.Packages = append(append(out.Packages, res.Package), res.Carried.Packages...)
		out.Relationships = append(out.Relationships, inventory.Relationship{From: interp.ID, Type: inventory.Contains, To: res.Package.ID})
		out.Relationships = append(out.Relationships, res.Carried.Relationships...)
		out.Problems = append(out.Problems, res.Carried.Problems...)
	}
}

// mergedUsr lists the paths a file may be registered under by the package
// manager on a merged-/usr system (/lib is /usr/lib).
func mergedUsr(paths ...string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, p)
		if rest, ok := strings.CutPrefix(p, "/usr/lib/"); ok {
			out = append(out, "/lib/"+rest)
		} else if rest, ok := strings.CutPrefix(p, "/lib/"); ok {
			out = append(out, "/usr/lib/"+rest)
		}
	}
	return out
}

// inPrefix is path relative to the installation prefix, with "/".
func (b *Build) inPrefix(path string) string {
	if r, err := filepath.Rel(b.Prefix, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return strings.TrimPrefix(filepath.ToSlash(path), "/")
}
