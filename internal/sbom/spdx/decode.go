package spdx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// MaxDecodeSize bounds the documents Decode reads.
const MaxDecodeSize = 256 << 20

// ErrTooLarge is returned for documents larger than MaxDecodeSize.
var ErrTooLarge = errors.New("SPDX document larger than 256 MiB")

// inDoc is the subset of SPDX 2.2/2.3 JSON that Decode reads.
type inDoc struct {
	SPDXVersion       string   `json:"spdxVersion"`
	SPDXID            string   `json:"SPDXID"`
	Name              string   `json:"name"`
	DocumentDescribes []string `json:"documentDescribes"`
	// Pointers: growing a slice of large structs costs more than decoding.
	Packages []*inPackage `json:"packages"`
	Files    []struct {
		SPDXID    string     `json:"SPDXID"`
		FileName  string     `json:"fileName"`
		Checksums []checksum `json:"checksums"`
	} `json:"files"`
	Relationships []relationship `json:"relationships"`
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
func Decode(r io.Reader) (*inventory.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDecodeSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDecodeSize {
		return nil, ErrTooLarge
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode of a document already in memory.
func DecodeBytes(data []byte) (*inventory.Inventory, error) {
	var d inDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("not an SPDX JSON document: %w", err)
	}
	if !strings.HasPrefix(d.SPDXVersion, "SPDX-2.") {
		return nil, fmt.Errorf("not an SPDX 2.x document: spdxVersion is %q", d.SPDXVersion)
	}
	inv := &inventory.Inventory{}
	pkgs := map[string]*inventory.Package{}
	for _, sp := range d.Packages {
		if sp == nil { // a null entry
			continue
		}
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
		p.SetExtra(x)
		if _, dup := pkgs[p.ID]; dup || p.ID == "" {
			return nil, fmt.Errorf("SPDX document: package %q has a missing or duplicate SPDXID", p.Name)
		}
		pkgs[p.ID] = p
		inv.Packages = append(inv.Packages, p)
	}
	files := map[string]inventory.File{}
	for _, f := range d.Files {
		var hs []inventory.Hash
		for _, c := range f.Checksums {
			hs = append(hs, inventory.Hash{Algorithm: inventory.Algorithm(strings.ToUpper(strings.ReplaceAll(c.Algorithm, "-", ""))), Value: strings.ToLower(c.Value)})
		}
		files[f.SPDXID] = inventory.File{Path: strings.TrimPrefix(f.FileName, "./"), Hashes: hs, Size: -1}
	}
	attached := map[string]bool{}
	attach := func(pkgID, fileID string) {
		p, f := pkgs[pkgID], files[fileID]
		if p == nil || f.Path == "" || attached[pkgID+"\x00"+fileID] {
			return
		}
		attached[pkgID+"\x00"+fileID] = true
		p.Files = append(p.Files, f)
	}
	for _, sp := range d.Packages {
		if sp == nil {
			continue
		}
		for _, f := range sp.HasFiles {
			attach(sp.SPDXID, f)
		}
	}
	describes := append([]string(nil), d.DocumentDescribes...)
	for _, r := range d.Relationships {
		switch r.Type {
		case "DESCRIBES":
			if r.Element == d.SPDXID {
				describes = append(describes, r.Related)
			}
		case "DESCRIBED_BY":
			if r.Related == d.SPDXID {
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
	return inv, nil
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
