// Package binaries reads what the native binaries of a distribution show
// they contain, from their bytes alone:
//
//   - shared libraries bundled by auditwheel (<pkg>.libs/, hash-mangled
//     names such as libgfortran-040039e1.so.5.0.0), delocate (.dylibs/) and
//     delvewheel, identified as the upstream library with its version where
//     the evidence allows (version strings, version definitions, SONAME,
//     file name);
//   - C libraries statically linked into extension modules (OpenSSL inside
//     cryptography's Rust extension), by the version fingerprints of
//     package libver;
//   - Rust crates (cargo-auditable .dep-v0, else Cargo registry paths) and
//     Go modules (build info).
//
// [Observe] returns them as a document of components with package URLs,
// CPEs, a confidence label and the evidence, for package embedded to merge
// into the distribution beside what its own SBOMs declare.
//
// # Security
//
// Binaries are untrusted: they are parsed by package elffile (panics
// recovered, sizes capped) and never run.
package binaries

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/binfacts"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/libver"
	"github.com/pysbom/pysbom/internal/native/machofile"
	"github.com/pysbom/pysbom/internal/native/pefile"
	"github.com/pysbom/pysbom/internal/native/rustdeps"
	"github.com/pysbom/pysbom/internal/native/upstream"
)

// FoundBy names this extractor in the inventory.
const FoundBy = "native/binary"

// MaxBinary is the largest binary read into memory when the file system
// cannot read at offsets (a zip member).
const MaxBinary = 1 << 30

// Property names of observed components.
const (
	PropEvidence   = inventory.PropNativeEvidence   // file: what was seen
	PropConfidence = inventory.PropNativeConfidence // high, medium, low
	PropFile       = inventory.PropNativeFile       // the bundled library file itself
	PropBuild      = inventory.PropNativeBuild      // build facts the library recorded (OpenSSL's compiler line)
)

// Result is what the binaries of one distribution show.
type Result struct {
	// Doc holds the observed components (IDs local to the document).
	Doc      *inventory.Inventory
	Problems []inventory.Problem
	// Binaries is the number of native binaries read.
	Binaries int
	// RustPaths is true when crates were read from registry paths, which
	// show only crates whose code left a path (not build-time ones).
	RustPaths bool
	// Links are the shared libraries each ELF binary links, for the
	// caller to resolve on the system the distribution runs on.
	Links []Link
}

// Link is what one binary links dynamically.
type Link struct {
	Binary         string // path relative to the root of the file system read
	Needed         []string
	RPath, RunPath []string
	// BuiltAgainst are the libraries the binary's bytes name only by the
	// version of the headers it was compiled against: it links them
	// dynamically, and uses whatever copy the loader finds.
	BuiltAgainst []libver.Match
}

// Candidate reports whether a file name may be a native binary worth
// reading: a shared object or library by its extension, or any file in an
// auditwheel/delocate/delvewheel library folder.
func Candidate(p string) bool {
	base := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch {
	case strings.HasSuffix(dir, ".libs"), strings.HasSuffix(dir, ".dylibs"):
		return true
	case strings.HasSuffix(base, ".so"), strings.Contains(base, ".so."), strings.HasSuffix(base, ".pyd"),
		strings.HasSuffix(base, ".dylib"), strings.HasSuffix(base, ".dll"):
		return true
	}
	return false
}

// Seen is given each ELF binary Observe parses, while it is open: its
// name (relative to the root of the file system read), the parsed file
// with its DWARF, and the strings of its data sections. The audit of
// report examines it there instead of reading the file again.
type Seen func(name string, f *elffile.File, strs []byte)

// Observe reads the native binaries among dist's files, whose paths are
// relative to the root of fsys; seen, when not nil, is given each ELF
// binary parsed.
func Observe(fsys fs.FS, dist *inventory.Package, seen Seen) Result {
	o := &observer{res: Result{Doc: &inventory.Inventory{}}, dist: dist, byKey: map[string]*inventory.Package{}, seen: seen}
	for _, f := range dist.Files {
		if Candidate(f.Path) {
			o.file(fsys, f.Path)
		}
	}
	return o.res
}

type observer struct {
	res   Result
	dist  *inventory.Package
	byKey map[string]*inventory.Package
	seen  Seen
}

func (o *observer) problem(file, format string, args ...any) {
	o.res.Problems = append(o.res.Problems, inventory.Problem{Kind: inventory.BadBinary, Package: o.dist.ID, Path: file,
		Message: fmt.Sprintf(format, args...)})
}

// open returns a reader at offsets over the file and its size.
func open(fsys fs.FS, name string) (io.ReaderAt, int64, func(), error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return ra, st.Size(), func() { f.Close() }, nil
	}
	defer f.Close()
	if st.Size() > MaxBinary {
		return nil, 0, nil, fmt.Errorf("larger than %d MiB", MaxBinary>>20)
	}
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()+bytes.MinRead)) // not grown from nothing
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxBinary)); err != nil {
		return nil, 0, nil, err
	}
	return bytes.NewReader(buf.Bytes()), int64(buf.Len()), func() {}, nil
}

func (o *observer) file(fsys fs.FS, name string) {
	ra, size, done, err := open(fsys, name)
	if err != nil {
		o.problem(name, "cannot read native binary: %v", err)
		return
	}
	defer done()
	f, err := elffile.ParseWith(name, ra, size, elffile.Options{NoDWARF: o.seen == nil}) // the SBOM needs no DWARF; an audit does
	var fe *elffile.FormatError
	switch {
	case errors.Is(err, elffile.ErrNotELF):
		o.foreignLibrary(ra, size, name) // Mach-O or PE in a library folder; else a linker script or no binary at all
		return
	case errors.As(err, &fe):
		o.problem(name, "native binary cannot be parsed: %s", fe.Msg)
		return
	case err != nil:
		o.problem(name, "cannot read native binary: %v", err)
		return
	}
	o.res.Binaries++
	strs := libver.Strings(f)
	if o.seen != nil {
		o.seen(name, f, strs)
	}
	bundled := isBundledLibrary(name, f)
	matches := libver.Scan(&f.Facts, strs, path.Base(name))
	link := Link{Binary: name, Needed: f.Dynamic.Needed, RPath: f.Dynamic.RPath, RunPath: f.Dynamic.RunPath}
	contained := matches[:0]
	for _, m := range matches {
		if m.Contained() {
			contained = append(contained, m)
		} else {
			link.BuiltAgainst = append(link.BuiltAgainst, m)
		}
	}
	matches = contained
	if len(link.Needed) > 0 || len(link.BuiltAgainst) > 0 {
		o.res.Links = append(o.res.Links, link)
	}
	for _, m := range matches {
		c := &inventory.Package{Name: m.Name, Version: m.Version, PURL: m.PURL(), Kind: inventory.KindLibrary}
		if m.Version != "" {
			c.Extend().CPEs = []string{m.CPE23()}
		}
		what := "contains " + m.Name
		if bundled {
			what = "is " + m.Name
		}
		ev := fmt.Sprintf("%s %s: %s", name, what, m.Evidence)
		if m.MinVersion != "" {
			ev += " (version at least " + m.MinVersion + ")"
		}
		c.Properties = nil
		for _, x := range m.Extra {
			c.Properties = append(c.Properties, inventory.Property{Name: PropBuild, Value: x})
		}
		o.add(c, ev, m.Confidence, bundledFile(bundled, name))
	}
	if bundled && len(matches) == 0 {
		lib := bundledName(path.Base(name), f.Dynamic.SONAME)
		c := &inventory.Package{Name: lib, PURL: "pkg:generic/" + lib, Kind: inventory.KindLibrary}
		o.add(c, fmt.Sprintf("%s is a bundled shared library (SONAME %s); no version evidence in its bytes", name, orNone(f.Dynamic.SONAME)),
			libver.Low, name)
	}
	o.rust(f, strs, name)
	o.golang(ra, f, name)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func bundledFile(bundled bool, name string) string {
	if bundled {
		return name
	}
	return ""
}

// isBundledLibrary reports whether the binary is a shared library shipped
// beside the extensions (not an extension module itself).
func isBundledLibrary(name string, f *elffile.File) bool {
	for _, e := range f.Exports {
		if strings.HasPrefix(e, "PyInit_") {
			return false
		}
	}
	dir := path.Base(path.Dir(name))
	return strings.HasSuffix(dir, ".libs") || strings.HasSuffix(dir, ".dylibs") || f.Dynamic.SONAME != ""
}

// hashed matches auditwheel's renamed libraries (libz-<8 hex>.so.1.2.13)
// and delvewheel's (libz-<hex>.dll).
var hashed = regexp.MustCompile(`^(.+?)-[0-9a-f]{8,32}(\.so(?:\.[0-9.]+)?|\.[0-9.]+\.so|\.dll)$`)

// foreignLibrary records a Mach-O or PE library bundled by delocate
// (.dylibs/) or delvewheel (<pkg>.libs/): identified from its data
// sections' version strings when they have one, else by its file name.
func (o *observer) foreignLibrary(ra io.ReaderAt, size int64, name string) {
	dir := path.Base(path.Dir(name))
	if !strings.HasSuffix(dir, ".libs") && !strings.HasSuffix(dir, ".dylibs") {
		return
	}
	var magic [4]byte
	if n, _ := ra.ReadAt(magic[:], 0); n < 4 || !machofile.Magic(magic[:]) && !pefile.Magic(magic[:]) {
		return
	}
	o.res.Binaries++
	base := path.Base(name)
	// The library's own version strings, when its data sections carry them.
	var facts *binfacts.Facts
	var strs []byte
	if machofile.Magic(magic[:]) {
		if reps, err := machofile.Examine(name, ra, size); err == nil && len(reps) > 0 {
			facts, strs = reps[0].Facts, reps[0].Strings
		}
	} else if rep, err := pefile.Examine(name, ra, size); err == nil {
		facts, strs = rep.Facts, rep.Strings
	}
	if facts != nil {
		if ms := libver.Scan(facts, strs, base); len(ms) > 0 {
			for _, m := range ms {
				c := &inventory.Package{Name: m.Name, Version: m.Version, PURL: m.PURL(), Kind: inventory.KindLibrary}
				if m.Version != "" {
					c.Extend().CPEs = []string{m.CPE23()}
				}
				o.add(c, fmt.Sprintf("%s is %s: %s", name, m.Name, m.Evidence), m.Confidence, name)
			}
			return
		}
	}
	lib := bundledName(base, "")
	c := &inventory.Package{Name: lib, PURL: "pkg:generic/" + lib, Kind: inventory.KindLibrary}
	o.add(c, name+" is a bundled library; identified by its file name only", libver.Low, name)
}

// bundledName names a bundled library that no fingerprint identified:
// by the project that ships it where its stem is a known one (libz is
// zlib, libssl openssl: the names fingerprints and CPython's linked
// libraries get, so one library is not listed under two names), else by
// its stem: the SONAME's, or the file name's without auditwheel's or
// delvewheel's hash, without .so, .dylib or .dll and the version.
func bundledName(base, soname string) string {
	stem := base
	if m := hashed.FindStringSubmatch(base); m != nil {
		stem = m[1]
	} else {
		if soname != "" {
			stem = soname
		}
		if i := strings.Index(stem, ".so"); i > 0 {
			stem = stem[:i]
		} else if i := strings.IndexByte(stem, '.'); i > 0 {
			stem = stem[:i]
		}
	}
	return upstream.Name(stem)
}

// add records an observed component, merging one seen in several binaries.
func (o *observer) add(c *inventory.Package, evidence, confidence, file string) {
	key := c.PURL
	if old, ok := o.byKey[key]; ok {
		old.Properties = append(old.Properties, inventory.Property{Name: PropEvidence, Value: evidence})
		return
	}
	c.ID = fmt.Sprintf("observed-%d", len(o.byKey)+1)
	c.FoundBy = FoundBy
	c.Properties = append([]inventory.Property{{Name: PropEvidence, Value: evidence}, {Name: PropConfidence, Value: confidence}}, c.Properties...)
	if file != "" {
		c.Properties = append(c.Properties, inventory.Property{Name: PropFile, Value: file})
	}
	o.byKey[key] = c
	o.res.Doc.Packages = append(o.res.Doc.Packages, c)
}

func (o *observer) rust(f *elffile.File, strs []byte, name string) {
	if sec, ok := f.Section(".dep-v0"); ok {
		crates, err := rustdeps.ParseAudit(sec)
		if err != nil {
			o.problem(name, "%v", err)
		} else {
			for _, c := range crates {
				if c.Build || c.Root && c.Source == "local" {
					continue
				}
				o.add(crate(c), name+": cargo-auditable .dep-v0 lists "+c.Name+" "+c.Version, libver.High, "")
			}
			return
		}
	}
	crates := rustdeps.FromPaths(strs)
	if len(crates) > 0 {
		o.res.RustPaths = true
	}
	for _, c := range crates {
		o.add(crate(c), name+": Cargo registry path of "+c.Name+"-"+c.Version, libver.Medium, "")
	}
}

func crate(c rustdeps.Crate) *inventory.Package {
	p := &inventory.Package{Name: c.Name, Version: c.Version, PURL: c.PURL(), Kind: inventory.KindLibrary}
	if c.Source == "crates.io" || c.Source == "registry" {
		p.Extend().DownloadLocation = "https://crates.io/api/v1/crates/" + c.Name + "/" + c.Version + "/download"
	}
	return p
}

func (o *observer) golang(ra io.ReaderAt, f *elffile.File, name string) {
	if _, ok := f.SectionByName(".go.buildinfo"); !ok {
		return
	}
	bi, err := buildinfo.Read(ra)
	if err != nil {
		o.problem(name, "Go build information cannot be read: %v", err)
		return
	}
	mods := []debug.Module{bi.Main}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		mods = append(mods, *d)
	}
	for _, m := range mods {
		if m.Path == "" || m.Version == "" || m.Version == "(devel)" {
			continue
		}
		p := &inventory.Package{Name: m.Path, Version: m.Version, PURL: "pkg:golang/" + m.Path + "@" + m.Version, Kind: inventory.KindLibrary}
		o.add(p, fmt.Sprintf("%s: Go build information (%s) lists module %s %s", name, bi.GoVersion, m.Path, m.Version), libver.High, "")
	}
	p := &inventory.Package{Name: "go", Version: strings.TrimPrefix(bi.GoVersion, "go"), PURL: "pkg:golang/stdlib@" + strings.TrimPrefix(bi.GoVersion, "go"), Kind: inventory.KindLibrary}
	o.add(p, name+": built with "+bi.GoVersion, libver.High, "")
}
