package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/jsonstream"
)

// MaxDecodeSize bounds the documents Decode reads.
const MaxDecodeSize = 256 << 20

// ErrTooLarge is wrapped by the error for a document larger than the
// limit it is read with (MaxDecodeSize for Decode).
var ErrTooLarge = errors.New("SPDX document too large")

// inFile is what Decode reads of a file.
type inFile struct {
	SPDXID    string     `json:"SPDXID"`
	FileName  string     `json:"fileName"`
	Checksums []checksum `json:"checksums"`
}

type inPackage struct {
	SPDXID           string        `json:"SPDXID"`
	Name             string        `json:"name"`
	VersionInfo      string        `json:"versionInfo"`
	Supplier         string        `json:"supplier"`
	Originator       string        `json:"originator"`
	DownloadLocation string        `json:"downloadLocation"`
	Homepage         string        `json:"homepage"`
	Checksums        []checksum    `json:"checksums"`
	LicenseDeclared  string        `json:"licenseDeclared"`
	LicenseConcluded string        `json:"licenseConcluded"`
	Summary          string        `json:"summary"`
	Description      string        `json:"description"`
	ExternalRefs     []externalRef `json:"externalRefs"`
	HasFiles         []string      `json:"hasFiles"`
	Purpose          string        `json:"primaryPackagePurpose"`
}

// Decode reads an SPDX 2.x JSON document into an inventory: the package
// the document DESCRIBES is the root (the first, when it describes
// several), packages keep their SPDXIDs as IDs, files are attached to the
// packages that CONTAIN them (or list them in hasFiles), and DEPENDS_ON,
// DEPENDENCY_OF (reversed) and CONTAINS relationships between packages are
// kept. Decode does not validate the document against the schema.
//
// The packages, files and relationships arrays are read an entry at a
// time, each package turned into the inventory before the next is read:
// a document of half a million packages costs its inventory, neither its
// bytes nor its JSON. r is read no further than MaxDecodeSize.
func Decode(r io.Reader) (*inventory.Inventory, error) {
	return DecodeLimited(r, MaxDecodeSize)
}

// DecodeLimited is Decode reading r no further than limit bytes.
func DecodeLimited(r io.Reader, limit int64) (*inventory.Inventory, error) {
	return jsonstream.Decode(r, limit, ErrTooLarge, decode)
}

// DecodeBytes is Decode of a document already in memory, of any size.
func DecodeBytes(data []byte) (*inventory.Inventory, error) {
	return decode(bytes.NewReader(data))
}

// decoder builds the inventory as the document is read. A key given
// twice keeps its last value, as json.Unmarshal has it.
type decoder struct {
	inv      inventory.Inventory
	pkgs     map[string]*inventory.Package
	hasFiles [][2]string // package, file
	dup      error       // the first package with a missing or duplicate SPDXID
	files    map[string]inventory.File
	rels     []relationship
}

func decode(r io.Reader) (*inventory.Inventory, error) {
	dec := json.NewDecoder(r)
	var version, docID string
	var describes []string
	d := &decoder{pkgs: map[string]*inventory.Package{}, files: map[string]inventory.File{}}
	err := jsonstream.Object(dec, func(key string) error {
		switch {
		case strings.EqualFold(key, "spdxVersion"):
			return dec.Decode(&version)
		case strings.EqualFold(key, "SPDXID"):
			return dec.Decode(&docID)
		case strings.EqualFold(key, "documentDescribes"):
			return dec.Decode(&describes)
		case strings.EqualFold(key, "packages"):
			d.inv.Packages, d.pkgs, d.hasFiles, d.dup = nil, map[string]*inventory.Package{}, nil, nil
			return jsonstream.Array(dec, func() error {
				var sp *inPackage
				if err := dec.Decode(&sp); err != nil || sp == nil { // a null entry is skipped
					return err
				}
				d.pkg(sp)
				return nil
			})
		case strings.EqualFold(key, "files"):
			d.files = map[string]inventory.File{}
			return jsonstream.Array(dec, func() error {
				var f inFile
				if err := dec.Decode(&f); err != nil {
					return err
				}
				var hs []inventory.Hash
				for _, c := range f.Checksums {
					hs = append(hs, inventory.Hash{Algorithm: inventory.Algorithm(strings.ToUpper(strings.ReplaceAll(c.Algorithm, "-", ""))), Value: strings.ToLower(c.Value)})
				}
				d.files[f.SPDXID] = inventory.File{Path: strings.TrimPrefix(f.FileName, "./"), Hashes: hs, Size: -1}
				return nil
			})
		case strings.EqualFold(key, "relationships"):
			d.rels = nil
			return jsonstream.Array(dec, func() error {
				var r relationship
				err := dec.Decode(&r)
				d.rels = append(d.rels, r)
				return err
			})
		}
		return jsonstream.Skip(dec)
	})
	if err == nil {
		err = jsonstream.End(dec)
	}
	if err != nil {
		return nil, fmt.Errorf("not an SPDX JSON document: %w", jsonstream.Worded(err))
	}
	if !strings.HasPrefix(version, "SPDX-2.") {
		return nil, fmt.Errorf("not an SPDX 2.x document: spdxVersion is %q", version)
	}
	if d.dup != nil {
		return nil, d.dup
	}
	return d.finish(docID, describes), nil
}

// pkg converts one package.
func (d *decoder) pkg(sp *inPackage) {
	p := &inventory.Package{
		ID: sp.SPDXID, Kind: kindOfPurpose(sp.Purpose), Name: sp.Name, Version: sp.VersionInfo,
		Supplier: ParseParty(sp.Supplier), FoundBy: "spdx",
	}
	x := inventory.Extra{Summary: sp.Summary, Originator: ParseParty(sp.Originator),
		DownloadLocation: assertion(sp.DownloadLocation), Homepage: assertion(sp.Homepage)}
	if x.Summary == "" {
		x.Summary = sp.Description
	}
	if l := assertion(sp.LicenseDeclared); l != "" {
		x.License = inventory.License{Expression: l, Declared: l, Source: "SPDX licenseDeclared"}
	} else if l := assertion(sp.LicenseConcluded); l != "" {
		x.License = inventory.License{Expression: l, Declared: l, Source: "SPDX licenseConcluded"}
	}
	for _, c := range sp.Checksums {
		p.Hashes = append(p.Hashes, inventory.Hash{Algorithm: inventory.Algorithm(strings.ToUpper(strings.ReplaceAll(c.Algorithm, "-", ""))), Value: strings.ToLower(c.Value)})
	}
	for _, e := range sp.ExternalRefs {
		switch strings.ToLower(e.Type) {
		case "purl":
			if p.PURL == "" {
				p.PURL = e.Locator
			}
		case "cpe23type", "cpe22type":
			x.CPEs = append(x.CPEs, e.Locator)
		}
	}
	p.Name, p.Version = inventory.Shared(p.Name, p.PURL), inventory.Shared(p.Version, p.PURL)
	p.SetExtra(x)
	if _, dup := d.pkgs[p.ID]; dup || p.ID == "" {
		if d.dup == nil {
			d.dup = fmt.Errorf("SPDX document: package %q has a missing or duplicate SPDXID", p.Name)
		}
		return
	}
	d.pkgs[p.ID] = p
	d.inv.Packages = append(d.inv.Packages, p)
	for _, f := range sp.HasFiles {
		d.hasFiles = append(d.hasFiles, [2]string{p.ID, f})
	}
}

// finish attaches the files and keeps the relationships between
// packages, once every package and file is known.
func (d *decoder) finish(docID string, describes []string) *inventory.Inventory {
	inv := &d.inv
	pkgs, files := d.pkgs, d.files
	attached := map[string]bool{}
	attach := func(pkgID, fileID string) {
		p, f := pkgs[pkgID], files[fileID]
		if p == nil || f.Path == "" || attached[pkgID+"\x00"+fileID] {
			return
		}
		attached[pkgID+"\x00"+fileID] = true
		p.Files = append(p.Files, f)
	}
	for _, h := range d.hasFiles {
		attach(h[0], h[1])
	}
	describes = slices.Clone(describes)
	for _, r := range d.rels {
		switch r.Type {
		case "DESCRIBES":
			if r.Element == docID {
				describes = append(describes, r.Related)
			}
		case "DESCRIBED_BY":
			if r.Related == docID {
				describes = append(describes, r.Element)
			}
		case "CONTAINS":
			if _, ok := files[r.Related]; ok {
				attach(r.Element, r.Related)
				continue
			}
			fallthrough
		default:
			// Every relationship between two packages is kept; the
			// reverse forms are turned around.
			if pkgs[r.Element] == nil || pkgs[r.Related] == nil {
				continue
			}
			from, typ, to := r.Element, r.Type, r.Related
			switch typ {
			case "CONTAINED_BY":
				from, typ, to = to, "CONTAINS", from
			case "DEPENDENCY_OF":
				from, typ, to = to, "DEPENDS_ON", from
			}
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: from, Type: inventory.RelType(typ), To: to})
		}
	}
	for _, p := range inv.Packages {
		sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	}
	for _, id := range describes {
		if p := pkgs[id]; p != nil {
			inv.Root = p
			break
		}
	}
	if inv.Root != nil {
		out := inv.Packages[:0]
		for _, p := range inv.Packages {
			if p != inv.Root {
				out = append(out, p)
			}
		}
		inv.Packages = out
	}
	return inv
}

func assertion(s string) string {
	if s == noAssertion || s == "NONE" {
		return ""
	}
	return s
}

var partyRE = regexp.MustCompile(`^(Person|Organization|Tool):\s*(.*?)\s*(?:\(([^()]*)\))?\s*$`)

// ParseParty reads an SPDX party, "Organization: Name (email)" or
// "Person: Name (email)"; anything else (a Tool, NOASSERTION) is the zero
// Party.
func ParseParty(s string) inventory.Party {
	m := partyRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[1] == "Tool" {
		return inventory.Party{}
	}
	return inventory.Party{Kind: inventory.PartyKind(m[1]), Name: m[2], Email: m[3]}
}

func kindOfPurpose(p string) inventory.Kind {
	switch p {
	case "OPERATING-SYSTEM":
		return inventory.KindOSPackage
	case "FILE":
		return inventory.KindFile
	case "CONTAINER":
		return inventory.KindImage
	}
	return inventory.KindLibrary
}
