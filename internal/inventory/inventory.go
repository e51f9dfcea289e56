// Package inventory is pysbom's format-neutral model of what a piece of
// software is made of: packages with their identifiers, suppliers, licenses
// and files, the relationships between them, and the problems found while
// reading them.
//
// Extractors produce an Inventory; encoders (SPDX, CycloneDX, tables) only
// read it. Nothing here knows about any output format, and the package
// imports only the standard library.
//
// # Identity and order
//
// Package IDs are derived from content (kind, name and version), never
// random, and [Inventory.Sort] puts everything in a canonical order, so the
// same input always gives the same inventory.
package inventory

import (
	"cmp"
	"slices"
	"strings"
)

// Inventory is everything known about one target.
type Inventory struct {
	// Root is the subject of the document, which DESCRIBES everything else.
	Root *Package
	// Packages holds every package except Root.
	Packages      []*Package
	Relationships []Relationship
	Problems      []Problem
}

// Kind says what a package is.
type Kind string

// Package kinds.
const (
	KindEnvironment  Kind = "environment"  // a Python environment (a root)
	KindInterpreter  Kind = "interpreter"  // a Python interpreter
	KindDistribution Kind = "distribution" // an installed Python distribution
	KindOSPackage    Kind = "os-package"   // a package of the operating system's package manager
	KindLibrary      Kind = "library"      // code built into or vendored by another component
	KindFile         Kind = "file"         // a file described as a component by another SBOM
	KindCollection   Kind = "collection"   // a folder of artifacts (a wheelhouse), as a root
)

// Package is one component. What many components lack (a license, a
// summary, CPEs, an originator, links, a download location, archives) is
// in Extra, nil when none of it is known: an SBOM of a million bare
// components read back costs half the memory it would with those fields
// inline.
type Package struct {
	ID       string
	Kind     Kind
	Name     string
	Version  string
	PURL     string
	Supplier Party
	// Hashes are checksums of the package itself (its archive), not of its files.
	Hashes []Hash
	Files  []File
	// FoundBy names the extractor that produced the package.
	FoundBy    string
	Python     *PythonDist
	Distro     *DistroPackage
	Properties []Property
	Extra      *Extra
}

// Extra holds the facts of a package that many packages lack. Read it
// with [Package.More] and write it with [Package.Extend].
type Extra struct {
	License License
	Summary string
	CPEs    []string
	// Originator is who made the package, when that differs from Supplier.
	Originator Party
	Homepage   string
	URLs       []Link
	// DownloadLocation is where the package came from; "" when unknown.
	DownloadLocation string
	// Artifacts are the archives of the package a lock file pins (its
	// wheels and sdist), each with its checksums.
	Artifacts []Artifact
}

// More is p's Extra for reading: the zero Extra when p has none.
func (p *Package) More() Extra {
	if p.Extra == nil {
		return Extra{}
	}
	return *p.Extra
}

// SetExtra sets p's Extra to e, or to nil when e holds nothing.
func (p *Package) SetExtra(e Extra) {
	if e.License.IsZero() && e.Summary == "" && len(e.CPEs) == 0 && e.Originator.IsZero() && e.Homepage == "" && len(e.URLs) == 0 &&
		e.DownloadLocation == "" && len(e.Artifacts) == 0 {
		p.Extra = nil
		return
	}
	p.Extra = &e
}

// Extend is p's Extra for writing, made when p has none yet.
func (p *Package) Extend() *Extra {
	if p.Extra == nil {
		p.Extra = &Extra{}
	}
	return p.Extra
}

// PartyKind is the kind of a supplier or originator.
type PartyKind string

// Party kinds.
const (
	Person       PartyKind = "Person"
	Organization PartyKind = "Organization"
)

// Artifact is one archive of a package: a wheel or an sdist.
type Artifact struct {
	Name   string // file name
	URL    string // where it is downloaded from; "" when the lock names only the file
	Hashes []Hash
}

// Party is a person or organisation; the zero value means unknown.
type Party struct {
	Kind  PartyKind
	Name  string
	Email string
}

// IsZero reports whether nothing is known of the party.
func (p Party) IsZero() bool { return p.Name == "" && p.Email == "" }

// License is what is known of a package's license.
type License struct {
	// Expression is a valid SPDX license expression, or "" when the
	// declared license does not map to one exactly.
	Expression string
	// Declared is the license as the package states it, verbatim.
	Declared string
	// Source names where Declared came from: "License-Expression",
	// "License" or "Classifier".
	Source string
	// Files are the license files the package ships, as paths of Files.
	Files []string
}

// IsZero reports whether nothing is known of the license.
func (l License) IsZero() bool {
	return l.Expression == "" && l.Declared == "" && l.Source == "" && len(l.Files) == 0
}

// Link is a labelled URL.
type Link struct {
	Label string
	URL   string
}

// Algorithm names a checksum algorithm as SPDX spells it.
type Algorithm string

// Checksum algorithms.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA384 Algorithm = "SHA384"
	SHA512 Algorithm = "SHA512"
	MD5    Algorithm = "MD5"
)

// Hash is a checksum with its value in lower-case hex.
type Hash struct {
	Algorithm Algorithm
	Value     string
}

// File is one file of a package.
type File struct {
	// Path is relative to the package's location (for an installed
	// distribution: its site-packages directory), with "/" separators.
	Path string
	// Hashes are computed from the bytes on disk; empty when the file
	// could not be read.
	Hashes []Hash
	Size   int64
}

// Hash returns the value of the file's checksum in algorithm a, or "".
func (f File) Hash(a Algorithm) string { return findHash(f.Hashes, a) }

// Hash returns the value of the package's checksum in algorithm a, or "".
func (p *Package) Hash(a Algorithm) string { return findHash(p.Hashes, a) }

// Prop returns the value of the package's first property name, or "".
func (p *Package) Prop(name string) string {
	for _, pr := range p.Properties {
		if pr.Name == name {
			return pr.Value
		}
	}
	return ""
}

func findHash(hs []Hash, a Algorithm) string {
	for _, h := range hs {
		if h.Algorithm == a {
			return h.Value
		}
	}
	return ""
}

// Property is a name/value pair for facts that have no field of their own.
type Property struct {
	Name, Value string
}

// PythonDist holds what an installed Python distribution records about itself.
type PythonDist struct {
	// Location is the directory the distribution is installed into.
	Location string
	// MetadataDir is the .dist-info or .egg-info path, relative to Location.
	MetadataDir     string
	MetadataVersion string
	Installer       string
	RequiresDist    []string
	RequiresPython  string
	ProvidesExtra   []string
	// DirectURL is PEP 610's record of how the distribution was installed.
	DirectURL *DirectURL
}

// DirectURL is the content of a PEP 610 direct_url.json.
type DirectURL struct {
	URL               string
	VCS               string
	CommitID          string
	RequestedRevision string
	ArchiveHash       string // "sha256=<hex>" as recorded
	Editable          bool
	Dir               bool // a local directory
}

// DistroPackage is the operating-system package that owns a component.
type DistroPackage struct {
	Manager string // "dpkg"
	Distro  string // "debian"
	Name    string
	// Source is the source package, which distro advisories name.
	Source  string
	Version string
	Arch    string
	PURL    string
}

// RelType is the type of a relationship.
type RelType string

// Relationship types.
const (
	Describes RelType = "DESCRIBES"
	DependsOn RelType = "DEPENDS_ON"
	Contains  RelType = "CONTAINS"
)

// Relationship links two packages by ID.
type Relationship struct {
	From string
	Type RelType
	To   string
}

// ProblemKind classifies a problem.
type ProblemKind string

// Problem kinds.
const (
	HashMismatch      ProblemKind = "hash-mismatch"
	SizeMismatch      ProblemKind = "size-mismatch"
	MissingFile       ProblemKind = "missing-file"
	UnlistedFile      ProblemKind = "unlisted-file"
	NoRecord          ProblemKind = "no-record"
	BadRecord         ProblemKind = "bad-record"
	BadMetadata       ProblemKind = "bad-metadata"
	Unreadable        ProblemKind = "unreadable"
	DuplicateMetadata ProblemKind = "duplicate-metadata"
	MissingDependency ProblemKind = "missing-dependency"
	VersionConflict   ProblemKind = "version-conflict"
	BadRequirement    ProblemKind = "bad-requirement"
	// StaleRecord: RECORD lists a file that the system package manager
	// that installed the distribution never installed (Debian's builds).
	StaleRecord ProblemKind = "stale-record"
	// BadArchive: a member of a wheel or sdist that was refused (unsafe
	// name, link, duplicate, too large, likely a zip bomb).
	BadArchive ProblemKind = "bad-archive"
	// Unpinned: a requirement not pinned to one version; informational.
	Unpinned ProblemKind = "unpinned"
	// UnknownVendored: code vendored into a package without a listing or
	// version; informational.
	UnknownVendored ProblemKind = "unknown-vendored"
	// BadSBOM: a document a package carries claims a known SBOM format
	// but cannot be read.
	BadSBOM ProblemKind = "bad-sbom"
	// UnreadSBOM: a document a package carries is in a format pysbom does
	// not read (PEP 770 allows any); informational.
	UnreadSBOM ProblemKind = "unread-sbom"
	// NoSupplier: who supplies a component is not known, and is not
	// assumed (a vendored copy's supplier is not its carrier's);
	// informational.
	NoSupplier ProblemKind = "no-supplier"
	// OutsideTree: a file reached through a symbolic link that leaves
	// the environment; it is not read.
	OutsideTree ProblemKind = "outside-tree"
	// BadBinary: a native binary that cannot be parsed.
	BadBinary ProblemKind = "bad-binary"
	// NativeConflict: a package's own SBOM declares a native component
	// at one version and its binaries show another.
	NativeConflict ProblemKind = "native-conflict"
	// NativeUndeclared: a native component the binaries show and the
	// package's own SBOM does not declare; informational.
	NativeUndeclared ProblemKind = "native-undeclared"
	// NativeUnobserved: a native component the package's own SBOM
	// declares and its binaries do not show (build-time crates, stripped
	// strings); informational.
	NativeUnobserved ProblemKind = "native-unobserved"
)

// Informational reports whether a problem kind describes how an
// environment was put together rather than something wrong with it;
// --strict does not fail on these.
func (k ProblemKind) Informational() bool {
	switch k {
	case StaleRecord, DuplicateMetadata, UnreadSBOM, UnknownVendored, Unpinned, NativeUndeclared, NativeUnobserved, NoSupplier:
		return true
	}
	return false
}

// Problem is something wrong that was found while building the inventory.
type Problem struct {
	Kind ProblemKind
	// Package is the ID of the package concerned, "" for none.
	Package string
	// Path is the file concerned, "" for none.
	Path    string
	Message string
}

// Find returns the package with the given ID (Root included), or nil.
func (inv *Inventory) Find(id string) *Package {
	if inv.Root != nil && inv.Root.ID == id {
		return inv.Root
	}
	for _, p := range inv.Packages {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// ProblemsOf returns the problems recorded against package id.
func (inv *Inventory) ProblemsOf(id string) []Problem {
	var out []Problem
	for _, p := range inv.Problems {
		if p.Package == id {
			out = append(out, p)
		}
	}
	return out
}

// Sort puts packages, files, relationships and problems in canonical order.
func (inv *Inventory) Sort() {
	slices.SortFunc(inv.Packages, func(a, b *Package) int { return strings.Compare(a.ID, b.ID) })
	all := inv.Packages
	if inv.Root != nil {
		all = append([]*Package{inv.Root}, all...)
	}
	for _, p := range all {
		slices.SortFunc(p.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
		if p.Extra != nil {
			slices.Sort(p.Extra.CPEs)
		}
		slices.SortFunc(p.Properties, func(a, b Property) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Value, b.Value))
		})
	}
	slices.SortFunc(inv.Relationships, func(a, b Relationship) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(string(a.Type), string(b.Type)), strings.Compare(a.To, b.To))
	})
	inv.Relationships = slices.Compact(inv.Relationships)
	slices.SortFunc(inv.Problems, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.Package, b.Package), strings.Compare(string(a.Kind), string(b.Kind)),
			strings.Compare(a.Path, b.Path), strings.Compare(a.Message, b.Message))
	})
	inv.Problems = slices.Compact(inv.Problems)
}

// DistributionID returns the ID of a Python distribution package.
func DistributionID(normalizedName, version string) string {
	return "pypi/" + normalizedName + "@" + version
}

// Shared is s, as a substring of whole when whole holds it: a decoder
// that gives a package its name and version from the purl's bytes keeps
// one string for the three (a million components save 24 MB).
func Shared(s, whole string) string {
	if i := strings.Index(whole, s); i >= 0 && s != "" {
		return whole[i : i+len(s)]
	}
	return s
}
