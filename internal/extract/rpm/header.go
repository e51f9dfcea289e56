// Package rpm reads the packages of an rpm database (rpmdb.sqlite, as
// Fedora, RHEL 9, UBI 9 and Amazon Linux 2023 keep it): each package's
// header, as rpm stores it, parsed for its name, epoch, version, release,
// architecture, licence, vendor, source rpm and files.
//
// The header format is rpm's (the "header structure" of the RPM file
// format): a count of index entries, the size of the data store, the
// entries (tag, type, offset, count; big-endian), then the data.
package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Header tags read.
const (
	tagName       = 1000
	tagVersion    = 1001
	tagRelease    = 1002
	tagEpoch      = 1003
	tagSummary    = 1004
	tagVendor     = 1011
	tagLicense    = 1014
	tagPackager   = 1015
	tagURL        = 1020
	tagArch       = 1022
	tagSourceRPM  = 1044
	tagDirIndexes = 1116
	tagBaseNames  = 1117
	tagDirNames   = 1118
)

// Data types of header entries.
const (
	typeInt32       = 4
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9
)

// Limits on a header.
const (
	maxEntries = 1 << 16
	maxData    = 256 << 20
)

// Package is one installed rpm package.
type Package struct {
	Name, Version, Release, Arch string
	Epoch                        int  // 0 when none
	HasEpoch                     bool // the header has an epoch (0 included)
	Summary, Vendor, License     string
	Packager, URL, SourceRPM     string
	// Files are the absolute paths it installed.
	Files []string
}

// EVR is epoch:version-release as rpm writes it (no epoch when none).
func (p Package) EVR() string {
	vr := p.Version + "-" + p.Release
	if p.HasEpoch && p.Epoch != 0 {
		return fmt.Sprintf("%d:%s", p.Epoch, vr)
	}
	return vr
}

// SetEVR sets p's epoch, version and release from evr as EVR writes it.
func (p *Package) SetEVR(evr string) {
	p.Epoch, p.HasEpoch = 0, false
	if e, rest, ok := strings.Cut(evr, ":"); ok {
		p.Epoch, _ = strconv.Atoi(e)
		p.HasEpoch, evr = true, rest
	}
	p.Version, p.Release = evr, ""
	if i := strings.LastIndexByte(evr, '-'); i > 0 {
		p.Version, p.Release = evr[:i], evr[i+1:]
	}
}

// SourceName is the source package's name, from the source rpm's file
// name ("openssl-3.0.7-27.el9.src.rpm" -> "openssl"); "" when none.
func (p Package) SourceName() string {
	s := strings.TrimSuffix(strings.TrimSuffix(p.SourceRPM, ".rpm"), ".src")
	s = strings.TrimSuffix(s, ".nosrc")
	// NAME-VERSION-RELEASE: the name is all before the last two dashes.
	for i := 0; i < 2; i++ {
		j := strings.LastIndexByte(s, '-')
		if j <= 0 {
			return ""
		}
		s = s[:j]
	}
	return s
}

type entry struct {
	tag, typ      uint32
	offset, count uint32
}

// ParseHeader reads one package's header blob as the database stores it
// (no lead, no header magic).
func ParseHeader(blob []byte) (Package, error) {
	if len(blob) < 8 {
		return Package{}, errors.New("header shorter than its 8-byte preamble")
	}
	il, dl := binary.BigEndian.Uint32(blob), binary.BigEndian.Uint32(blob[4:])
	if il == 0 || il > maxEntries || dl > maxData {
		return Package{}, fmt.Errorf("header claims %d entries and %d data bytes", il, dl)
	}
	start := 8 + 16*uint64(il)
	if start+uint64(dl) > uint64(len(blob)) {
		return Package{}, fmt.Errorf("header of %d entries and %d data bytes is cut short at %d bytes", il, dl, len(blob))
	}
	data := blob[start : start+uint64(dl)]
	entries := map[uint32]entry{}
	for i := uint32(0); i < il; i++ {
		b := blob[8+16*i:]
		e := entry{binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:]), binary.BigEndian.Uint32(b[12:])}
		if e.offset >= uint32(len(data)) && e.count > 0 {
			return Package{}, fmt.Errorf("tag %d points past the header's data", e.tag)
		}
		entries[e.tag] = e
	}
	h := header{entries: entries, data: data}
	p := Package{Name: h.str(tagName), Version: h.str(tagVersion), Release: h.str(tagRelease), Arch: h.str(tagArch),
		Summary: h.str(tagSummary), Vendor: h.str(tagVendor), License: h.str(tagLicense), Packager: h.str(tagPackager),
		URL: h.str(tagURL), SourceRPM: h.str(tagSourceRPM)}
	if e, ok := h.ints(tagEpoch); ok && len(e) > 0 {
		p.Epoch, p.HasEpoch = int(e[0]), true
	}
	if h.err != nil {
		return Package{}, h.err
	}
	if p.Name == "" || p.Version == "" {
		return Package{}, errors.New("header names no package name or version")
	}
	dirs, bases := h.strs(tagDirNames), h.strs(tagBaseNames)
	idx, _ := h.ints(tagDirIndexes)
	if h.err != nil {
		return Package{}, h.err
	}
	if len(idx) != len(bases) {
		return p, fmt.Errorf("%s: %d file names but %d directory indexes", p.Name, len(bases), len(idx))
	}
	for i, b := range bases {
		if int(idx[i]) < 0 || int(idx[i]) >= len(dirs) {
			return p, fmt.Errorf("%s: file %q names directory %d of %d", p.Name, b, idx[i], len(dirs))
		}
		p.Files = append(p.Files, path.Clean("/"+dirs[idx[i]]+b))
	}
	return p, nil
}

// header reads typed entries; the first malformed one is kept in err.
type header struct {
	entries map[uint32]entry
	data    []byte
	err     error
}

func (h *header) fail(tag uint32, what string) {
	if h.err == nil {
		h.err = fmt.Errorf("tag %d: %s", tag, what)
	}
}

// str is a STRING (or the first of an I18NSTRING) entry; "" when absent.
func (h *header) str(tag uint32) string {
	e, ok := h.entries[tag]
	if !ok {
		return ""
	}
	if e.typ != typeString && e.typ != typeI18NString && e.typ != typeStringArray {
		h.fail(tag, fmt.Sprintf("type %d is not a string", e.typ))
		return ""
	}
	if e.offset >= uint32(len(h.data)) {
		h.fail(tag, "points past the header's data")
		return ""
	}
	s, _, ok := cstring(h.data[e.offset:])
	if !ok {
		h.fail(tag, "string runs past the header's data")
	}
	return s
}

// strs is a STRING_ARRAY entry.
func (h *header) strs(tag uint32) []string {
	e, ok := h.entries[tag]
	if !ok {
		return nil
	}
	if e.typ != typeStringArray {
		h.fail(tag, fmt.Sprintf("type %d is not a string array", e.typ))
		return nil
	}
	if e.count > uint32(len(h.data)) {
		h.fail(tag, fmt.Sprintf("%d strings in %d bytes", e.count, len(h.data)))
		return nil
	}
	if e.count == 0 {
		return nil
	}
	if e.offset >= uint32(len(h.data)) {
		h.fail(tag, "points past the header's data")
		return nil
	}
	out := make([]string, 0, e.count)
	rest := h.data[e.offset:]
	for i := uint32(0); i < e.count; i++ {
		s, n, ok := cstring(rest)
		if !ok {
			h.fail(tag, "string runs past the header's data")
			return nil
		}
		out = append(out, s)
		rest = rest[n:]
	}
	return out
}

// ints is an INT32 entry.
func (h *header) ints(tag uint32) ([]int32, bool) {
	e, ok := h.entries[tag]
	if !ok {
		return nil, false
	}
	if e.typ != typeInt32 {
		h.fail(tag, fmt.Sprintf("type %d is not an int32", e.typ))
		return nil, false
	}
	if uint64(e.offset)+4*uint64(e.count) > uint64(len(h.data)) {
		h.fail(tag, "integers run past the header's data")
		return nil, false
	}
	out := make([]int32, e.count)
	for i := range out {
		out[i] = int32(binary.BigEndian.Uint32(h.data[e.offset+4*uint32(i):]))
	}
	return out, true
}

// cstring is the NUL-terminated string at the start of b, and the bytes
// it takes with its NUL.
func cstring(b []byte) (string, int, bool) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), i + 1, true
		}
	}
	return "", 0, false
}

// Namespace is the purl namespace of an rpm distribution, from its
// os-release ID: the vendor as the purl specification's examples write it.
func Namespace(osID string) string {
	switch osID {
	case "rhel":
		return "redhat"
	case "ol":
		return "oracle"
	case "sles", "sled", "opensuse", "opensuse-leap", "opensuse-tumbleweed":
		return "opensuse"
	case "":
		return "rpm"
	}
	return osID
}

// PURL is the package URL: pkg:rpm/NAMESPACE/NAME@VERSION-RELEASE with its
// arch, epoch, distro ("rhel-9.4") and source package qualifiers.
func (p Package) PURL(namespace, distro string) string {
	q := packageurl.Qualifiers{}
	add := func(k, v string) {
		if v != "" {
			q = append(q, packageurl.Qualifier{Key: k, Value: v})
		}
	}
	add("arch", p.Arch)
	if p.HasEpoch && p.Epoch != 0 {
		add("epoch", strconv.Itoa(p.Epoch))
	}
	add("distro", distro)
	if src := p.SourceName(); src != "" && src != p.Name {
		add("upstream", src)
	}
	return packageurl.NewPackageURL("rpm", namespace, p.Name, p.Version+"-"+p.Release, q, "").ToString()
}

// Inventory is the package as the inventory records the distro package
// that installed a component.
func (p Package) Inventory(namespace, osID, distro string) *inventory.DistroPackage {
	return &inventory.DistroPackage{Manager: "rpm", Distro: osID, Name: p.Name, Source: p.SourceName(),
		Version: p.EVR(), Arch: p.Arch, PURL: p.PURL(namespace, distro)}
}
