package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
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
		Type    string `json:"type"`
		URL     string `json:"url"`
		Comment string `json:"comment"`
		Hashes  []struct {
			Alg     string `json:"alg"`
			Content string `json:"content"`
		} `json:"hashes"`
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

// DecodeBytes is Decode of a document already in memory. The components
// and dependencies arrays are read an entry at a time, each entry turned
// into the inventory before the next is read, so that a document of a
// million components costs the inventory, not its JSON tree as well.
func DecodeBytes(data []byte) (*inventory.Inventory, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	notCDX := func(err error) error {
		if err == io.EOF || err == io.ErrUnexpectedEOF { // as json.Unmarshal words it
			err = errors.New("unexpected end of JSON input")
		}
		return fmt.Errorf("not a CycloneDX JSON document: %w", err)
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, notCDX(err)
	}
	d := &decoder{inv: &inventory.Inventory{}, ids: map[string]string{}}
	var format string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notCDX(err)
		}
		key, _ := tok.(string)
		switch key {
		case "bomFormat":
			err = dec.Decode(&format)
		case "metadata":
			var m struct {
				Component *inComponent `json:"component"`
			}
			if err = dec.Decode(&m); err == nil && m.Component != nil {
				d.inv.Root = d.component(m.Component)
				d.nested(m.Component, d.inv.Root)
			}
		case "components":
			err = eachEntry(dec, func() error {
				var c *inComponent
				if err := dec.Decode(&c); err != nil || c == nil { // a null entry is skipped
					return err
				}
				d.add(c, "")
				return nil
			})
		case "dependencies":
			err = eachEntry(dec, func() error {
				var dep struct {
					Ref       string   `json:"ref"`
					DependsOn []string `json:"dependsOn"`
				}
				if err := dec.Decode(&dep); err != nil {
					return err
				}
				from := d.intern(dep.Ref)
				d.inv.Relationships = slices.Grow(d.inv.Relationships, len(dep.DependsOn))
				for _, to := range dep.DependsOn {
					d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: from, Type: inventory.DependsOn, To: d.intern(to)})
				}
				return nil
			})
		default:
			err = skipValue(dec)
		}
		if err != nil {
			return nil, notCDX(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, notCDX(err)
	}
	if format != "CycloneDX" {
		return nil, fmt.Errorf("not a CycloneDX document: bomFormat is %q", format)
	}
	return d.inv, nil
}

// intern is the ID string of the component id names, when one has it.
func (d *decoder) intern(id string) string {
	if s, ok := d.ids[id]; ok {
		return s
	}
	return id
}

// expectDelim reads the next token, which must be delim.
func expectDelim(dec *json.Decoder, delim json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != delim {
		return fmt.Errorf("expected %v, found %v", delim, tok)
	}
	return nil
}

// eachEntry calls entry for each element of the array at the decoder
// (null is an empty array), entry decoding the element itself.
func eachEntry(dec *json.Decoder, entry func() error) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("expected an array, found %v", tok)
	}
	for dec.More() {
		if err := entry(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// skipValue reads past one value without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

type decoder struct {
	inv *inventory.Inventory
	ids map[string]string // the IDs given, each to itself: dependencies share the string
	n   int
}

// add converts c into a package contained by parent ("" for none), then
// the components nested in it: a carrier comes before what it carries.
func (d *decoder) add(c *inComponent, parent string) {
	p := d.component(c)
	d.inv.Packages = append(d.inv.Packages, p)
	if parent != "" {
		d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: parent, Type: inventory.Contains, To: p.ID})
	}
	d.nested(c, p)
}

// nested adds the components nested in c, of which p is the package:
// files become p's files, others packages p contains.
func (d *decoder) nested(c *inComponent, p *inventory.Package) {
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
		d.add(sub, p.ID)
	}
}

// component converts c itself.
func (d *decoder) component(c *inComponent) *inventory.Package {
	id := c.BOMRef
	if _, taken := d.ids[id]; id == "" || taken {
		d.n++
		id = "component-" + strconv.Itoa(d.n)
	}
	d.ids[id] = id
	p := &inventory.Package{
		ID: id, Kind: kindOf(c.Type), Name: c.Name, Version: c.Version,
		PURL: c.PURL, FoundBy: "cyclonedx",
	}
	x := inventory.Extra{Summary: c.Description}
	if c.Group != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: "cdx:group", Value: c.Group})
	}
	if c.CPE != "" {
		x.CPEs = []string{c.CPE}
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
		x.Originator = inventory.Party{Kind: inventory.Person, Name: c.Author}
	} else if len(c.Authors) > 0 {
		x.Originator = inventory.Party{Kind: inventory.Person, Name: c.Authors[0].Name, Email: c.Authors[0].Email}
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
			if len(e.Hashes) > 0 { // an archive with its checksums
				a := inventory.Artifact{Name: e.Comment, URL: e.URL}
				if a.Name == "" || a.Name == e.URL && !strings.Contains(e.URL, "/") {
					a.Name, a.URL = e.URL, ""
				}
				for _, h := range e.Hashes {
					if alg := algorithm(cdx.HashAlgorithm(h.Alg)); alg != "" {
						a.Hashes = append(a.Hashes, inventory.Hash{Algorithm: alg, Value: strings.ToLower(h.Content)})
					}
				}
				x.Artifacts = append(x.Artifacts, a)
				continue
			}
			if x.DownloadLocation == "" {
				x.DownloadLocation = e.URL
			}
		case cdx.ERTypeWebsite:
			if x.Homepage == "" {
				x.Homepage = e.URL
			}
		}
		x.URLs = append(x.URLs, inventory.Link{Label: e.Type, URL: e.URL})
	}
	if c.Scope != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: "cdx:scope", Value: c.Scope})
	}
	for _, pr := range c.Properties {
		p.Properties = append(p.Properties, inventory.Property{Name: pr.Name, Value: pr.Value})
	}
	p.SetExtra(x)
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
	case cdx.ComponentTypeContainer:
		return inventory.KindImage
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
