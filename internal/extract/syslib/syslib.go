// Package syslib describes the system's shared libraries that a target's
// binaries link: each DT_NEEDED name resolved the way the dynamic loader
// would (RPATH, RUNPATH with $ORIGIN, ld.so.conf, the trusted
// directories), recursively, then identified from its own bytes (package
// libver: OpenSSL 3.0.19 in libcrypto.so.3) and by the distro package
// that installed it, so that a scanner uses the distro's advisories.
//
// A binary that links a library uses the copy the loader finds at run
// time, whatever version its headers said when it was compiled: the
// component is that copy.
//
// # Security
//
// The libraries are the system's (or, for an image, the image's), read
// as files and parsed by package elffile; nothing is loaded or run.
package syslib

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/libver"
	"github.com/pysbom/pysbom/internal/native/upstream"
	"github.com/pysbom/pysbom/internal/parallel"
)

// FoundBy names this extractor in the inventory.
const FoundBy = "native/shared-library"

// Lib is a shared library some binary links.
type Lib struct {
	Path    string // real path
	Loaded  string // the path the loader finds (before symbolic links)
	SONAME  string
	Matches []libver.Match
	Links   []string // real paths of the libraries it links
	SHA1    []byte   // nil when the file could not be read
	SHA256  []byte
	Size    int64
	// Users name what links it, for the component's summary.
	Users []string
}

// Set is the shared libraries of one target, by real path.
type Set struct {
	Libs     map[string]*Lib
	Problems []inventory.Problem
	loader   *Loader
	files    Files
}

// New starts an empty set resolved in files: the host's ([Host]) or an
// image's ([InTree]).
func New(files Files) *Set {
	return &Set{Libs: map[string]*Lib{}, loader: NewLoader(files), files: files}
}

// sbomParse reads what the SBOM needs of a binary: not its DWARF.
var sbomParse = elffile.Options{NoDWARF: true}

// Link resolves the DT_NEEDED names of the binary at path (with its
// DT_RPATH and DT_RUNPATH) and, recursively, those of the libraries
// found, and returns the real paths of the direct ones. user names what
// the binary belongs to, for the libraries' summaries. A library for
// which local is true is part of the target itself (a bundled copy the
// target describes): it is returned but not added. A name the loader
// would not find is a problem naming the binary.
func (s *Set) Link(path, user string, needed, rpath, runpath []string, local func(string) bool) []string {
	return s.link(path, user, needed, rpath, runpath, local, 0)
}

func (s *Set) link(path, user string, needed, rpath, runpath []string, local func(string) bool, depth int) []string {
	var direct []string
	for _, n := range needed {
		loaded, ok := s.loader.Resolve(n, path, rpath, runpath)
		if !ok {
			s.Problems = append(s.Problems, inventory.Problem{Kind: inventory.MissingDependency, Path: path,
				Message: fmt.Sprintf("%s needs %s, which the dynamic loader would not find", filepath.Base(path), n)})
			continue
		}
		real, err := s.files.Real(loaded)
		if err != nil {
			real = loaded
		}
		direct = append(direct, real)
		if local != nil && local(real) {
			continue
		}
		if lib, seen := s.Libs[real]; seen {
			if depth == 0 && !slices.Contains(lib.Users, user) {
				lib.Users = append(lib.Users, user)
			}
			continue
		}
		if depth > 16 {
			continue
		}
		lib := &Lib{Path: real, Loaded: loaded}
		if depth == 0 {
			lib.Users = []string{user}
		}
		s.Libs[real] = lib
		lf, err := s.parse(real)
		if err != nil {
			s.Problems = append(s.Problems, inventory.Problem{Kind: inventory.BadBinary, Path: real, Message: fmt.Sprintf("cannot parse: %v", err)})
			continue
		}
		lib.SONAME = lf.Dynamic.SONAME
		lib.Links = s.link(real, filepath.Base(real), lf.Dynamic.Needed, lf.Dynamic.RPath, lf.Dynamic.RunPath, local, depth+1)
	}
	slices.Sort(direct)
	return slices.Compact(direct)
}

// Files is the file system the set reads.
func (s *Set) Files() Files { return s.files }

// parse reads the dynamic section of a library: headers, not its bytes
// (Identify reads those, in parallel).
func (s *Set) parse(name string) (*elffile.File, error) {
	r, size, err := s.files.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return elffile.ParseWith(name, r, size, sbomParse)
}

// Remove takes a library out of the set (libpython is CPython itself,
// not a library it depends on).
func (s *Set) Remove(path string) { delete(s.Libs, path) }

// Identify hashes and fingerprints every library, in parallel.
func (s *Set) Identify(ctx context.Context) {
	paths := s.Sorted()
	parallel.For(ctx, len(paths), 0, func(i int) {
		l := s.Libs[paths[i]]
		if l.SHA256 != nil {
			return
		}
		data, err := s.files.ReadFile(l.Path) // read once: hashed and fingerprinted
		if err != nil {
			return
		}
		s1, s256 := sha1.Sum(data), sha256.Sum256(data)
		l.SHA1, l.SHA256, l.Size = s1[:], s256[:], int64(len(data))
		if f, err := elffile.ParseWith(l.Path, bytes.NewReader(data), l.Size, sbomParse); err == nil {
			l.Matches = libver.Scan(&f.Facts, libver.Strings(f), filepath.Base(l.Path))
		}
	})
}

// Sorted returns the libraries' real paths in order.
func (s *Set) Sorted() []string {
	out := make([]string, 0, len(s.Libs))
	for p := range s.Libs {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// SearchDirs are the loader's configured and trusted directories, on
// both sides of a merged /usr: where the package manager's ownership of
// the libraries is looked up.
func (s *Set) SearchDirs() []string {
	var out []string
	for _, d := range s.loader.Dirs {
		out = append(out, mergedUsr(d)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Dirs are the directories of the libraries in the set (both sides of a
// merged /usr).
func (s *Set) Dirs() []string {
	var out []string
	for p, l := range s.Libs {
		out = append(out, mergedUsr(filepath.Dir(p), filepath.Dir(l.Loaded))...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ID is the inventory ID of the library at real path.
func (s *Set) ID(path string) string {
	l := s.Libs[path]
	if l == nil {
		return ""
	}
	return "shared-library/" + l.soname()
}

func (l *Lib) soname() string {
	if l.SONAME != "" {
		return l.SONAME
	}
	return filepath.Base(l.Loaded)
}

// Owner returns the distro package that installed a file.
type Owner func(path string) (*inventory.DistroPackage, bool)

// Components describes every library of the set, and the DEPENDS_ON
// relationships between them: each library is the upstream library its
// bytes show (else its SONAME), owned by the distro package that
// installed it. rel makes a path relative to the SBOM's root.
func (s *Set) Components(rel func(string) string, owner Owner) ([]*inventory.Package, []inventory.Relationship) {
	var pkgs []*inventory.Package
	var rels []inventory.Relationship
	for _, path := range s.Sorted() {
		pkgs = append(pkgs, s.component(s.Libs[path], owner))
		for _, to := range s.Libs[path].Links {
			if id := s.ID(to); id != "" && id != s.ID(path) {
				rels = append(rels, inventory.Relationship{From: s.ID(path), Type: inventory.DependsOn, To: id})
			}
		}
	}
	return pkgs, rels
}

func (s *Set) component(l *Lib, owner Owner) *inventory.Package {
	soname := l.soname()
	name, _, _ := strings.Cut(soname, ".so")
	name = upstream.Name(name)
	summary := "shared library " + soname
	if len(l.Users) > 0 {
		users := slices.Clone(l.Users)
		slices.Sort(users)
		summary += " linked by " + strings.Join(users, ", ")
	}
	p := &inventory.Package{ID: "shared-library/" + soname, Kind: inventory.KindLibrary, Name: name, FoundBy: FoundBy,
		Extra:      &inventory.Extra{Summary: summary},
		Properties: []inventory.Property{{Name: inventory.PropNativeFile, Value: l.Path}, {Name: inventory.PropNativeSoname, Value: soname}}}
	for _, m := range l.Matches {
		if m.Version != "" && m.Contained() {
			p.Name, p.Version, p.PURL, p.Extend().CPEs = m.Name, m.Version, m.PURL(), []string{m.CPE23()}
			p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropNativeEvidence, Value: m.Evidence}, inventory.Property{Name: inventory.PropNativeConfidence, Value: m.Confidence})
			break
		}
	}
	for _, candidate := range mergedUsr(l.Path, l.Loaded) {
		if d, ok := owner(candidate); ok {
			p.Distro = d
			if p.Version == "" {
				p.Version = UpstreamOf(d.Version)
				p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropNativeVersionFrom, Value: "the upstream part of " + d.Name + " " + d.Version})
			}
			p.Supplier = inventory.Party{Kind: inventory.Organization, Name: distroName(d.Distro)}
			break
		}
	}
	if p.PURL == "" && p.Version != "" {
		p.PURL = "pkg:generic/" + p.Name + "@" + p.Version
	}
	if l.SHA256 != nil {
		p.Files = []inventory.File{{Path: l.Path, Size: l.Size, Hashes: []inventory.Hash{
			{Algorithm: inventory.SHA1, Value: hex.EncodeToString(l.SHA1)}, {Algorithm: inventory.SHA256, Value: hex.EncodeToString(l.SHA256)}}}}
	}
	return p
}

// UpstreamOf strips a Debian epoch, revision and repack suffix:
// "1:2.1.5-2" is 2.1.5, "2.12.1+dfsg-5" is 2.12.1.
func UpstreamOf(v string) string {
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
		} else if p == "/usr/lib" {
			out = append(out, "/lib")
		} else if p == "/lib" {
			out = append(out, "/usr/lib")
		}
	}
	return out
}
