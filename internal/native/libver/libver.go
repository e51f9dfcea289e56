// Package libver finds well-known C libraries inside a native binary, and
// their versions, from the strings and symbols the library leaves there:
// the library file itself (libz.so.1.2.13 is zlib 1.2.13) or a copy linked
// statically into another binary (OpenSSL inside cryptography's Rust
// extension, libyaml inside PyYAML's _yaml).
//
// The patterns are those of specs/native-audit.md §(e), written from the
// libraries' own version macros.
//
// A version string is not a copy: a binary compiled against a library's
// headers carries their version macro (OpenSSL's OPENSSL_VERSION_TEXT)
// while it links the library dynamically and uses whatever copy the
// loader finds. A library is contained only when its code is: the binary
// defines its functions, or holds strings only its code has (OpenSSL's
// "compiler:" build line, zlib's deflate copyright); otherwise the match
// is [Match.HeaderOnly]. Strings are taken as cve-bin-tool does
// (printable runs of 3 bytes or more, one per line) but only from data
// sections: the dynamic string table holds the names a binary imports, and
// an imported name is not a bundled copy.
package libver

import (
	"bytes"
	"debug/elf"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/native/binfacts"
	"github.com/pysbom/pysbom/internal/native/elffile"
)

// Confidence labels.
const (
	High   = "high"   // a version string next to the library's own marker
	Medium = "medium" // a version from a file name or a version-definition lower bound
	Low    = "low"    // the library's code is present (a defined symbol), version unknown
)

// Match is one library found in a binary.
type Match struct {
	Name       string // upstream name, e.g. "openssl"
	CPE        string // CPE 2.3 vendor:product, e.g. "openssl:openssl"
	Version    string // exact upstream version; empty when unknown
	MinVersion string // a lower bound (from version definitions) when Version is empty
	Confidence string
	Evidence   string
	Extra      []string // further facts, e.g. OpenSSL's "compiler: ..." line
	// HeaderOnly is set when the library's code is not in the binary:
	// the version is the one of the headers it was compiled against, not
	// a copy it contains, and the match is not a component of the binary.
	// LinkedTo is then the DT_NEEDED name through which it links the
	// library dynamically ("" when it does not: it may load it at run
	// time).
	HeaderOnly bool
	LinkedTo   string
}

// Split separates the matches of libraries whose code is in a binary
// from those it only names by the version of the headers it was built
// against.
func Split(ms []Match) (contained, builtAgainst []Match) {
	for _, m := range ms {
		if m.Contained() {
			contained = append(contained, m)
		} else {
			builtAgainst = append(builtAgainst, m)
		}
	}
	return contained, builtAgainst
}

// Contained reports whether the library's code is in the binary (a
// bundled or statically linked copy), not only its headers' version.
func (m Match) Contained() bool { return !m.HeaderOnly }

// PURL is the generic package URL of the match.
func (m Match) PURL() string {
	if m.Version == "" {
		return "pkg:generic/" + m.Name
	}
	return "pkg:generic/" + m.Name + "@" + m.Version
}

// CPE23 is the full CPE 2.3 name of the match ("*" when the version is unknown).
func (m Match) CPE23() string {
	v := m.Version
	if v == "" {
		v = "*"
	}
	return "cpe:2.3:a:" + m.CPE + ":" + v + ":*:*:*:*:*:*:*"
}

type product struct {
	name, cpe string
	marker    string         // a string that must be present (empty: none)
	hint      string         // a literal the version pattern needs; the pattern is not run without it
	version   *regexp.Regexp // first submatch is the version
	convert   func(string) string
	symbol    string // a defined symbol that marks the library's code as present
	verdef    string // prefix of version-definition names giving a lower bound
	file      *regexp.Regexp
	extra     *regexp.Regexp // additional lines to keep as evidence
	unless    string         // suppressed when this product matched
	// sonames are the prefixes of the library's file names (libssl.,
	// libcrypto.), for telling a dynamic link from a contained copy.
	sonames []string
	// headerVersion: the version string is a macro of the library's
	// public headers (OPENSSL_VERSION_TEXT), which any program that
	// includes them carries; a contained copy must show its code too
	// (a defined symbol, or the extra lines only its code holds).
	headerVersion bool
}

var products = []product{
	{name: "openssl", hint: "OpenSSL ", cpe: "openssl:openssl", sonames: []string{"libssl.", "libcrypto."}, headerVersion: true,
		version: regexp.MustCompile(`(?m)^OpenSSL (\d+\.\d+\.\d+[a-z]?(?:-(?:alpha|beta)\d+)?)(?:-fips)? +\d{1,2} [A-Z][a-z]{2} \d{4}`),
		symbol:  "OpenSSL_version", verdef: "OPENSSL_", extra: regexp.MustCompile(`(?m)^(?:compiler|built on|OPENSSLDIR): .*$`)},
	{name: "libressl", hint: "LibreSSL ", cpe: "openbsd:libressl", sonames: []string{"libssl.", "libcrypto.", "libtls."}, headerVersion: true, version: regexp.MustCompile(`(?m)^LibreSSL (\d+\.\d+\.\d+)`)},
	{name: "zlib-ng", hint: ".zlib-ng", cpe: "zlib-ng:zlib-ng", sonames: []string{"libz-ng.", "libz."}, version: regexp.MustCompile(`(?:deflate|inflate) (\d+\.\d+\.\d+(?:\.\d+)?)\.zlib-ng`)},
	{name: "zlib", hint: " Copyright 1995-", cpe: "zlib:zlib", sonames: []string{"libz."}, version: regexp.MustCompile(`(?:deflate|inflate) (\d+\.\d+\.\d+(?:\.\d+)?) Copyright 1995-\d{4}`),
		verdef: "ZLIB_", unless: "zlib-ng"},
	{name: "expat", hint: "expat_", cpe: "libexpat_project:libexpat", sonames: []string{"libexpat."}, version: regexp.MustCompile(`expat_(\d+\.\d+\.\d+)`), symbol: "XML_ParserCreate"},
	{name: "sqlite", cpe: "sqlite:sqlite", sonames: []string{"libsqlite3."}, marker: "SQLite format 3",
		version: regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [0-9a-z]{40,80}(?:\n.*){0,400}?\n(3\.\d{1,2}\.\d{1,2})$`),
		symbol:  "sqlite3_libversion"},
	{name: "libxml2", cpe: "xmlsoft:libxml2", sonames: []string{"libxml2."}, marker: "Detected an entity reference loop",
		version: regexp.MustCompile(`(?m)(?:^|:)(2[01]\d{3})$`), convert: xmlVersion, symbol: "xmlInitParser", verdef: "LIBXML2_"},
	{name: "bzip2", hint: "bzip2", cpe: "bzip:bzip2", sonames: []string{"libbz2."}, version: regexp.MustCompile(`(?m)^(\d+\.\d+\.\d+), \d{1,2}-[A-Z][a-z]{2}-\d{4}$`), symbol: "BZ2_bzlibVersion"},
	{name: "xz", hint: "7zXZ", cpe: "tukaani:xz", sonames: []string{"liblzma."}, version: regexp.MustCompile(`(?m)^(5\.\d+\.\d+(?:alpha|beta)?)\n7zXZ`), symbol: "lzma_version_string", verdef: "XZ_"},
	{name: "zstd", cpe: "facebook:zstandard", sonames: []string{"libzstd."}, marker: "Frame requires too much memory for decoding",
		version: regexp.MustCompile(`External sequences are not valid\n(?:.*\n){0,2}?(1\.\d+\.\d+)\n|(?m)^(1\.[4-9]\.\d{1,2})$`), symbol: "ZSTD_versionString"},
	{name: "lz4", hint: "Unspecified error code", cpe: "lz4_project:lz4", sonames: []string{"liblz4."}, version: regexp.MustCompile(`(?m)^(1\.\d+\.\d+)\nUnspecified error code`), symbol: "LZ4_versionString"},
	{name: "libpng", hint: "libpng version", cpe: "libpng:libpng", sonames: []string{"libpng"}, headerVersion: true, version: regexp.MustCompile(`libpng version (\d+\.\d+\.\d+)`), symbol: "png_get_libpng_ver"},
	{name: "libjpeg-turbo", hint: "libjpeg-turbo version", cpe: "libjpeg-turbo:libjpeg-turbo", sonames: []string{"libjpeg.", "libturbojpeg."}, version: regexp.MustCompile(`libjpeg-turbo version (\d+\.\d+\.\d+)`)},
	{name: "libjpeg", hint: "-19", cpe: "ijg:libjpeg", sonames: []string{"libjpeg."}, version: regexp.MustCompile(`(?m)^(\d+[a-z]?)  \d{1,2}-[A-Z][a-z]{2}-\d{4}$`), unless: "libjpeg-turbo"},
	{name: "libtiff", hint: "LIBTIFF, Version", cpe: "libtiff:libtiff", sonames: []string{"libtiff."}, version: regexp.MustCompile(`LIBTIFF, Version (\d+\.\d+\.\d+)`), symbol: "TIFFGetVersion"},
	{name: "libyaml", hint: "tag:yaml.org,2002:", cpe: "pyyaml:libyaml", sonames: []string{"libyaml"}, version: regexp.MustCompile(`(?m)^(0\.\d+\.\d+)\n(?:[^\n]*\n){0,30}?tag:yaml.org,2002:`), symbol: "yaml_get_version_string"},
	{name: "libcurl", hint: "libcurl/", cpe: "haxx:libcurl", sonames: []string{"libcurl."}, version: regexp.MustCompile(`libcurl/(\d+\.\d+\.\d+)`), symbol: "curl_version"},
	{name: "pcre2", hint: "10.", cpe: "pcre:pcre2", sonames: []string{"libpcre2-"}, version: regexp.MustCompile(`BSR_UNICODE\)\r?\n(\d+\.\d+)|(?m)^(10\.\d+) \d{4}-\d{2}-\d{2}$`), symbol: "pcre2_config_8"},
	{name: "openblas", hint: "OpenBLAS ", cpe: "openblas_project:openblas", sonames: []string{"libopenblas"}, version: regexp.MustCompile(`OpenBLAS (\d+\.\d+\.\d+(?:\.dev)?)`),
		symbol: "openblas_get_config", file: regexp.MustCompile(`^libopenblas[a-z0-9_]*-r(\d+\.\d+\.\d+)`)},
	{name: "libgfortran", cpe: "gnu:gcc", sonames: []string{"libgfortran."}, symbol: "_gfortran_st_write", verdef: "GFORTRAN_"},
	{name: "libffi", cpe: "libffi_project:libffi", sonames: []string{"libffi."}, symbol: "ffi_call", verdef: "LIBFFI_"},
	{name: "libwebp", cpe: "webmproject:libwebp", sonames: []string{"libwebp."}, symbol: "WebPDecode"},
	{name: "freetype", cpe: "freetype:freetype", sonames: []string{"libfreetype."}, symbol: "FT_Init_FreeType"},
	{name: "mpdecimal", cpe: "bytereef:mpdecimal", sonames: []string{"libmpdec."}, marker: "mpd_setminalloc: ignoring request",
		version: regexp.MustCompile(`_mpd_base_ndivmod: please report\n(\d+\.\d+\.\d+)\n|(?m)^(2\.\d+\.\d+)\n(?:[^\n]*\n){0,3}?sNaN`), symbol: "mpd_version"},
}

func xmlVersion(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", n/10000, n/100%100, n%100)
}

// Strings returns the printable runs of at least 3 bytes of f's data
// sections, one per line, excluding string tables and version sections
// (whose names are imports, not contents) and .comment (toolchain).
func Strings(f *elffile.File) []byte {
	var out, buf []byte // buf: each section in turn, read into the same memory
	for _, s := range f.Sections {
		if s.Type != elf.SHT_PROGBITS || s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		var ok bool
		if buf, ok = f.AppendSection(buf[:0], s); ok {
			out = appendRuns(out, buf)
		}
	}
	return out
}

// Runs returns the printable runs of at least 3 bytes of b, one per line:
// the strings of a data section of any binary format.
func Runs(b []byte) []byte { return appendRuns(nil, b) }

func printable(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\t' }

func appendRuns(out, b []byte) []byte {
	start := -1
	for i := 0; i <= len(b); i++ {
		if i < len(b) && printable(b[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 3 {
			out = append(out, b[start:i]...)
			out = append(out, '\n')
		}
		start = -1
	}
	return out
}

// Scan finds the libraries in f; strs is [Strings] of f (passed in so a
// caller that needs them too reads them once) and base is the file name.
func Scan(f *binfacts.Facts, strs []byte, base string) []Match {
	var out []Match
	found := map[string]bool{}
	for _, p := range products {
		if p.unless != "" && found[p.unless] {
			continue
		}
		m, ok := p.match(f, strs, base)
		if ok {
			found[p.name] = true
			out = append(out, m)
		}
	}
	return out
}

func (p product) match(f *binfacts.Facts, strs []byte, base string) (Match, bool) {
	m := Match{Name: p.name, CPE: p.cpe}
	if p.version != nil && (p.marker == "" || bytes.Contains(strs, []byte(p.marker))) && (p.hint == "" || bytes.Contains(strs, []byte(p.hint))) {
		if sm := p.version.FindSubmatch(strs); sm != nil {
			var raw string
			for _, g := range sm[1:] {
				if len(g) > 0 {
					raw = string(g)
					break
				}
			}
			m.Version = raw
			if p.convert != nil {
				m.Version = p.convert(raw)
			}
			m.Evidence = "version string " + strconv.Quote(versionLine(sm[0], raw))
			m.Confidence = High
		}
	}
	if m.Version == "" && p.file != nil {
		if sm := p.file.FindStringSubmatch(base); sm != nil {
			m.Version, m.Confidence, m.Evidence = sm[1], Medium, "file name "+base
		}
	}
	if m.Version == "" {
		defined := p.symbol != "" && f.Defines(p.symbol)
		lower := p.lowerBound(f)
		switch {
		case lower != "" && (defined || p.symbol == ""):
			m.MinVersion, m.Confidence, m.Evidence = lower, Medium, "version definitions up to "+p.verdef+lower
		case defined:
			m.Confidence, m.Evidence = Low, "defines "+p.symbol
		default:
			return Match{}, false
		}
		if lower != "" && !defined && p.symbol != "" {
			return Match{}, false
		}
	}
	if p.extra != nil {
		for _, l := range p.extra.FindAll(strs, 5) {
			m.Extra = append(m.Extra, string(l))
		}
	}
	m.HeaderOnly, m.LinkedTo = p.headerOnly(f, m)
	return m, true
}

// headerOnly reports whether the match shows no code of the library in f
// (f is not the library itself), and the DT_NEEDED name through which f
// links it. A binary that links the library dynamically and shows no code
// of it carries only the version of the headers it was compiled against;
// so does one whose version string is a public header macro
// (headerVersion) without the library's code, linked or not.
func (p product) headerOnly(f *binfacts.Facts, m Match) (bool, string) {
	if p.isLibrary(f) {
		return false, ""
	}
	code := p.symbol != "" && f.Defines(p.symbol) || len(m.Extra) > 0
	if !p.headerVersion {
		code = code || m.Confidence == High // the version string lives in the library's own code
	}
	if code {
		return false, ""
	}
	for _, n := range f.Needed {
		for _, prefix := range p.sonames {
			if strings.HasPrefix(n, prefix) {
				return true, n
			}
		}
	}
	return p.headerVersion && m.Version != "", ""
}

// isLibrary reports whether f is the library itself: its SONAME, or its
// file name, is one of the library's.
func (p product) isLibrary(f *binfacts.Facts) bool {
	for _, prefix := range p.sonames {
		if strings.HasPrefix(f.SONAME, prefix) || strings.HasPrefix(baseName(f.Path), prefix) {
			return true
		}
	}
	return false
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// lowerBound is the highest version definition with the product's prefix
// (XZ_5.4 gives 5.4; GFORTRAN_12 gives 12).
func (p product) lowerBound(f *binfacts.Facts) string {
	if p.verdef == "" {
		return ""
	}
	var best string
	for _, v := range f.VerDefs {
		rest, ok := strings.CutPrefix(v, p.verdef)
		if !ok {
			continue
		}
		if i := strings.LastIndexByte(rest, '_'); i >= 0 { // LIBFFI_BASE_8.0, LIBFFI_CLOSURE_8.0
			rest = rest[i+1:]
		}
		if rest == "" || rest[0] < '0' || rest[0] > '9' {
			continue
		}
		if best == "" || compareDotted(rest, best) > 0 {
			best = rest
		}
	}
	return best
}

func compareDotted(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// versionLine returns the line of a match that holds the version.
func versionLine(match []byte, version string) string {
	for _, l := range strings.Split(strings.TrimRight(string(match), "\n"), "\n") {
		if strings.Contains(l, version) {
			return l
		}
	}
	return string(match)
}
