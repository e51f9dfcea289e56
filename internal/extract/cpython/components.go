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
)

// FoundBy names this extractor in the inventory.
const FoundBy = "python/cpython"

var psf = inventory.Party{Kind: inventory.Organization, Name: "Python Software Foundation"}

// Parts are CPython's components and relationships.
type Parts struct {
	Packages      []*inventory.Package
	Relationships []inventory.Relationship
	Problems      []inventory.Problem
}

// Components turns the build into inventory. interp, the interpreter
// component, gets the exact version and the build configuration; rel
// makes a path relative to the SBOM's root. The shared libraries it
// links are components of the library set, which the caller describes.
func (b *Build) Components(interp *inventory.Package, rel func(string) string) Parts {
	var out Parts
	out.Problems = append(out.Problems, b.Problems...)
	if b.Version != "" && interp.Version != b.Version {
		_, scope, _ := strings.Cut(interp.ID, "#") // an image's "#/usr/local"
		interp.Version = b.Version
		interp.ID = "python/cpython@" + b.Version
		if scope != "" {
			interp.ID += "#" + scope
		}
		interp.PURL = "pkg:generic/cpython@" + b.Version
		interp.Extend().CPEs = []string{"cpe:2.3:a:python:python:" + b.Version + ":*:*:*:*:*:*:*"}
	}
	if b.VersionFrom != "" {
		interp.Properties = append(interp.Properties, inventory.Property{Name: inventory.PropCPythonVersionFrom, Value: rel(b.VersionFrom)})
	}
	for _, k := range buildVars {
		if v, ok := b.Vars[k]; ok {
			interp.Properties = append(interp.Properties, inventory.Property{Name: inventory.PropCPythonPrefix + k, Value: v})
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
			p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropNativeEvidence, Value: evidence})
			return
		}
		p := &inventory.Package{ID: id, Kind: inventory.KindLibrary, Name: name, Version: version, PURL: purl, Supplier: psf,
			FoundBy: FoundBy, Extra: &inventory.Extra{Summary: "vendored in CPython and compiled into " + bin.Name},
			Properties: []inventory.Property{{Name: inventory.PropNativeEvidence, Value: evidence}, {Name: inventory.PropCPythonVendored, Value: "true"}}}
		if cpe != "" {
			p.Extend().CPEs = []string{cpe}
		}
		vendored[id] = p
		out.Packages = append(out.Packages, p)
		contains(id)
	}
	found := map[string]string{} // vendored library -> version the bytes show
	own := func(bin *Binary, from string) {
		for _, to := range bin.Links {
			if id := b.libs.ID(to); id != "" {
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
			interp.Properties = append(interp.Properties, inventory.Property{Name: inventory.PropCPythonLibpython, Value: rel(c.Path)})
		}
	}
	for _, m := range b.Modules {
		id := interp.ID + ">module/" + m.Name
		// Named as the module it is: "zlib" alone reads as the C library
		// it links, which is a component of its own.
		out.Packages = append(out.Packages, &inventory.Package{ID: id, Kind: inventory.KindLibrary, Name: "CPython module " + m.Name, Version: interp.Version,
			PURL:     "pkg:generic/cpython@" + interp.Version + "#" + b.inPrefix(m.Path),
			Supplier: psf, FoundBy: FoundBy, Extra: &inventory.Extra{License: interp.More().License, Summary: "CPython extension module " + m.Name},
			Files:      []inventory.File{fileOf(rel(m.Path), m.Size, m.SHA1, m.SHA256)},
			Properties: []inventory.Property{{Name: inventory.PropCPythonModule, Value: "lib-dynload"}}})
		contains(id)
		own(m, id)
	}
	b.bundledWheels(interp, &out)
	out.Problems = append(out.Problems, b.crossCheck(found, rel)...)
	if b.SourceSBOM != "" {
		interp.Properties = append(interp.Properties, inventory.Property{Name: inventory.PropCPythonSourceSbom, Value: rel(b.SourceSBOM)})
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

// bundledWheels adds the wheels of ensurepip/_bundled and what they carry,
// with IDs scoped to CPython (pip is often installed beside it too).
func (b *Build) bundledWheels(interp *inventory.Package, out *Parts) {
	for _, w := range b.Wheels {
		data, err := b.files.ReadFile(w)
		var res *wheel.Result
		if err == nil {
			res, err = wheel.ReadBytes(filepath.Base(w), data, archive.DefaultLimits)
		}
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

// inPrefix is path relative to the installation prefix, with "/".
func (b *Build) inPrefix(path string) string {
	if r, err := filepath.Rel(b.Prefix, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return strings.TrimPrefix(filepath.ToSlash(path), "/")
}
