package cyclonedx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/inventory"
)

// MaxDecodeSize bounds the documents Decode reads.
const MaxDecodeSize = 256 << 20

// ErrTooLarge is returned for documents larger than MaxDecodeSize.
var ErrTooLarge = errors.New("CycloneDX document larger than 256 MiB")

// The subset of CycloneDX JSON that Decode reads. The official library is
// not used for reading: v0.12.0 rejects valid 1.6 documents over sections
// pysbom never reads (declarations), and a reader should not fail there.
type inBOM struct {
	BOMFormat   string `json:"bomFormat"`
	SpecVersion string `json:"specVersion"`
	Metadata    *struct {
		Component *inComponent `json:"component"`
	} `json:"metadata"`
	Components   []*inComponent `json:"components"` // pointers: growing a slice of large structs costs more than decoding
	Dependencies []struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	} `json:"dependencies"`
}

type inEntity struct {
	Name string `json:"name"`
}

type inComponent struct {
	BOMRef       string    `json:"bom-ref"`
	Type         string    `json:"type"`
	Group        string    `json:"group"`
	Name         string    `json:"name"`
	Version      string    `json:"version"`
	Description  string    `json:"description"`
	Scope        string    `json:"scope"`
	PURL         string    `json:"purl"`
	CPE          string    `json:"cpe"`
	Author       string    `json:"author"`
	Publisher    string    `json:"publisher"`
	Supplier     *inEntity `json:"supplier"`
	Manufacturer *inEntity `json:"manufacturer"`
	Authors      []struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"authors"`
	Licenses []struct {
		Expression string `json:"expression"`
		License    *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"license"`
	} `json:"licenses"`
	Hashes []struct {
		Alg     string `json:"alg"`
		Content string `json:"content"`
	} `json:"hashes"`
	ExternalReferences []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"externalReferences"`
	Properties []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"properties"`
	Components []*inComponent `json:"components"`
}

// Decode reads a CycloneDX JSON document (any 1.x version) into an
// inventory: metadata.component is the root, every other component a
// package whose ID is its bom-ref (or a generated one), nested components
// CONTAINED by their parent (nested components of type "file" become the
// parent's files), and the dependency graph as DEPENDS_ON.
// Decode does not validate the document against the schema.
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
	var bom inBOM
	if err := json.Unmarshal(data, &bom); err != nil {
		return nil, fmt.Errorf("not a CycloneDX JSON document: %w", err)
	}
	if bom.BOMFormat != "CycloneDX" {
		return nil, fmt.Errorf("not a CycloneDX document: bomFormat is %q", bom.BOMFormat)
	}
	d := &decoder{inv: &inventory.Inventory{}, ids: map[string]bool{}}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		d.inv.Root = d.component(bom.Metadata.Component, "")
	}
	for _, c := range bom.Components {
		if c != nil { // a null entry
			d.inv.Packages = append(d.inv.Packages, d.component(c, ""))
		}
	}
	for _, dep := range bom.Dependencies {
		for _, to := range dep.DependsOn {
			d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: dep.Ref, Type: inventory.DependsOn, To: to})
		}
	}
	return d.inv, nil
}

type decoder struct {
	inv *inventory.Inventory
	ids map[string]bool
	n   int
}

// component converts c and, recursively, the components nested in it.
func (d *decoder) component(c *inComponent, parent string) *inventory.Package {
	id := c.BOMRef
	if id == "" || d.ids[id] {
		d.n++
		id = "component-" + strconv.Itoa(d.n)
	}
	d.ids[id] = true
	p := &inventory.Package{
		ID: id, Kind: kindOf(c.Type), Name: c.Name, Version: c.Version, Summary: c.Description,
		PURL: c.PURL, FoundBy: "cyclonedx",
	}
	if c.Group != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: "cdx:group", Value: c.Group})
	}
	if c.CPE != "" {
		p.CPEs = []string{c.CPE}
	}
	switch {
	case c.Supplier != nil && c.Supplier.Name != "":
		p.Supplier = inventory.Party{Kind: inventory.Organization, Name: c.Supplier.Name}
	case c.Manufacturer != nil && c.Manufacturer.Name != "":
		p.Supplier = inventory.Party{Kind: inventory.Organization, Name: c.Manufacturer.Name}
	case c.Publisher != "":
		p.Supplier = inventory.Party{Kind: inventory.Organization, Name: c.Publisher}
	}
	if c.Author != "" {
		p.Originator = inventory.Party{Kind: inventory.Person, Name: c.Author}
	} else if len(c.Authors) > 0 {
		p.Originator = inventory.Party{Kind: inventory.Person, Name: c.Authors[0].Name, Email: c.Authors[0].Email}
	}
	var exprs, names []string
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			exprs = append(exprs, l.Expression)
		case l.License != nil && l.License.ID != "":
			exprs = append(exprs, l.License.ID)
		case l.License != nil && l.License.Name != "":
			names = append(names, l.License.Name)
		}
	}
	if len(exprs) > 0 {
		e := exprs[0]
		if len(exprs) > 1 {
			e = "(" + strings.Join(exprs, ") AND (") + ")"
		}
		p.License = inventory.License{Expression: e, Declared: e, Source: "CycloneDX"}
	} else if len(names) > 0 {
		p.License = inventory.License{Declared: strings.Join(names, "; "), Source: "CycloneDX"}
	}
	for _, h := range c.Hashes {
		if a := algorithm(cdx.HashAlgorithm(h.Alg)); a != "" {
			p.Hashes = append(p.Hashes, inventory.Hash{Algorithm: a, Value: strings.ToLower(h.Content)})
		}
	}
	for _, e := range c.ExternalReferences {
		switch cdx.ExternalReferenceType(e.Type) {
		case cdx.ERTypeDistribution, cdx.ERTypeDistributionIntake:
			if p.DownloadLocation == "" {
				p.DownloadLocation = e.URL
			}
		case cdx.ERTypeWebsite:
			if p.Homepage == "" {
				p.Homepage = e.URL
			}
		}
		p.URLs = append(p.URLs, inventory.Link{Label: e.Type, URL: e.URL})
	}
	if c.Scope != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: "cdx:scope", Value: c.Scope})
	}
	for _, pr := range c.Properties {
		p.Properties = append(p.Properties, inventory.Property{Name: pr.Name, Value: pr.Value})
	}
	if parent != "" {
		d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: parent, Type: inventory.Contains, To: id})
	}
	for _, sub := range c.Components {
		if sub == nil {
			continue
		}
		if sub.Type == "file" {
			// A file of the component: kept as one of its files.
			f := inventory.File{Path: sub.Name, Size: -1}
			for _, h := range sub.Hashes {
				if a := algorithm(cdx.HashAlgorithm(h.Alg)); a != "" {
					f.Hashes = append(f.Hashes, inventory.Hash{Algorithm: a, Value: strings.ToLower(h.Content)})
				}
			}
			p.Files = append(p.Files, f)
			continue
		}
		d.inv.Packages = append(d.inv.Packages, d.component(sub, id))
	}
	return p
}

func kindOf(t string) inventory.Kind {
	switch cdx.ComponentType(t) {
	case cdx.ComponentTypeFile:
		return inventory.KindFile
	case cdx.ComponentTypeOS:
		return inventory.KindOSPackage
	case cdx.ComponentTypePlatform:
		return inventory.KindInterpreter
	}
	return inventory.KindLibrary
}

func algorithm(a cdx.HashAlgorithm) inventory.Algorithm {
	switch a {
	case cdx.HashAlgoSHA1:
		return inventory.SHA1
	case cdx.HashAlgoSHA256:
		return inventory.SHA256
	case cdx.HashAlgoSHA384:
		return inventory.SHA384
	case cdx.HashAlgoSHA512:
		return inventory.SHA512
	case cdx.HashAlgoMD5:
		return inventory.MD5
	}
	return ""
}
