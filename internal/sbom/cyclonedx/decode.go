package cyclonedx

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/jsonstream"
)

// MaxDecodeSize bounds the documents Decode reads.
const MaxDecodeSize = 256 << 20

// ErrTooLarge is wrapped by the error for a document larger than the
// limit it is read with (MaxDecodeSize for Decode).
var ErrTooLarge = errors.New("CycloneDX document too large")

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
// Decode does not validate the document against the schema. The
// components and dependencies arrays are read from r an entry at a time,
// each entry turned into the inventory before the next is read, so that
// a document of a million components costs the inventory, neither its
// bytes nor its JSON tree; r is read no further than MaxDecodeSize.
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

func decode(r io.Reader) (*inventory.Inventory, error) {
	dec := json.NewDecoder(r)
	d := &decoder{inv: &inventory.Inventory{}}
	var format string
	err := jsonstream.Object(dec, func(key string) error {
		switch key {
		case "bomFormat":
			return dec.Decode(&format)
		case "metadata":
			var m struct {
				Component *inComponent `json:"component"`
			}
			err := dec.Decode(&m)
			if err == nil && m.Component != nil {
				d.inv.Root, d.rootAt = d.component(m.Component), len(d.inv.Packages)
				d.nested(m.Component, d.inv.Root)
			}
			return err
		case "components":
			return jsonstream.Array(dec, func() error {
				var c *inComponent
				if err := dec.Decode(&c); err != nil || c == nil { // a null entry is skipped
					return err
				}
				d.add(c, nil)
				return nil
			})
		case "dependencies":
			return jsonstream.Array(dec, func() error {
				var dep struct {
					Ref       string   `json:"ref"`
					DependsOn []string `json:"dependsOn"`
				}
				if err := dec.Decode(&dep); err != nil {
					return err
				}
				d.inv.Relationships = slices.Grow(d.inv.Relationships, len(dep.DependsOn))
				for _, to := range dep.DependsOn {
					d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: dep.Ref, Type: inventory.DependsOn, To: to})
				}
				return nil
			})
		}
		return jsonstream.Skip(dec)
	})
	if err == nil {
		err = jsonstream.End(dec)
	}
	if err != nil {
		return nil, fmt.Errorf("not a CycloneDX JSON document: %w", jsonstream.Worded(err))
	}
	if format != "CycloneDX" {
		return nil, fmt.Errorf("not a CycloneDX document: bomFormat is %q", format)
	}
	d.finish()
	return d.inv, nil
}

type decoder struct {
	inv    *inventory.Inventory
	rootAt int // how many packages came before the root in the document
	// contains holds carrier and carried, made CONTAINS relationships
	// once every package has its ID.
	contains [][2]*inventory.Package
}

// add converts c into a package contained by parent (nil for none), then
// the components nested in it: a carrier comes before what it carries.
func (d *decoder) add(c *inComponent, parent *inventory.Package) {
	p := d.component(c)
	d.inv.Packages = append(d.inv.Packages, p)
	if parent != nil {
		d.contains = append(d.contains, [2]*inventory.Package{parent, p})
	}
	d.nested(c, p)
}

// finish gives each package whose bom-ref is missing, or taken by one
// before it in the document, an ID of its own ("component-N", N counting
// them in document order, skipping IDs the document gives), then records
// what contains what. Sorting the packages by ID, not a map of every
// ID, finds them: a document of a million components would spend 80 MB
// on the map.
func (d *decoder) finish() {
	all := d.inv.Packages
	if d.inv.Root != nil {
		all = append(append(append(make([]*inventory.Package, 0, len(all)+1), all[:d.rootAt]...), d.inv.Root), all[d.rootAt:]...)
	}
	order := make([]int32, len(all))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(strings.Compare(all[a].ID, all[b].ID), cmp.Compare(a, b)) })
	var renamed []int32
	for k, i := range order {
		if all[i].ID == "" || k > 0 && all[order[k-1]].ID == all[i].ID {
			renamed = append(renamed, i)
		}
	}
	given := func(id string) bool {
		_, found := slices.BinarySearchFunc(order, id, func(i int32, id string) int { return strings.Compare(all[i].ID, id) })
		return found
	}
	slices.Sort(renamed)
	ids := make([]string, len(renamed))
	n := 0
	for k := range renamed {
		for {
			n++
			if id := "component-" + strconv.Itoa(n); !given(id) {
				ids[k] = id
				break
			}
		}
	}
	for k, i := range renamed {
		all[i].ID = ids[k]
	}
	for _, c := range d.contains {
		d.inv.Relationships = append(d.inv.Relationships, inventory.Relationship{From: c[0].ID, Type: inventory.Contains, To: c[1].ID})
	}
	d.contains = nil
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
		d.add(sub, p)
	}
}

// component converts c itself.
func (d *decoder) component(c *inComponent) *inventory.Package {
	p := &inventory.Package{
		ID: c.BOMRef, Kind: kindOf(c.Type), Name: inventory.Shared(c.Name, c.PURL), Version: inventory.Shared(c.Version, c.PURL),
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
		x.License = inventory.License{Expression: e, Declared: e, Source: "CycloneDX"}
	} else if len(names) > 0 {
		x.License = inventory.License{Declared: strings.Join(names, "; "), Source: "CycloneDX"}
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
