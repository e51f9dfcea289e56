// Package cyclonedx writes inventories as CycloneDX 1.6 JSON documents,
// through the official CycloneDX Go library.
//
// # Mapping
//
// The inventory's root is metadata.component. Every other package is a
// top-level component; the files of a package are nested components of
// type "file" with SHA-1 and SHA-256. The dependency graph lists what the
// root contains and what each distribution depends on. Problems found
// while reading the target, and facts CycloneDX has no field for, are
// properties in the "pysbom:" namespace.
//
// # Determinism
//
// Everything not derived from the inventory comes from [Options]; the
// serial number is derived from the content.
package cyclonedx

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/jsonstr"
)

// Options carry the inputs that do not come from the inventory.
type Options struct {
	Created time.Time
	// ToolName and ToolVersion name the generator.
	ToolName, ToolVersion string
	// Authors are the people or organisations that made the document.
	Authors []string
	// Vulnerabilities, when any, are the document's vulnerabilities
	// section (a scan report's findings).
	Vulnerabilities []cdx.Vulnerability
}

// Encode writes inv as a CycloneDX 1.6 JSON document.
//
// The bytes are those the official library writes for [Build]'s BOM
// (tested), but the library only writes the document's skeleton: the
// components and vulnerabilities are encoded one at a time and the files
// written by hand, so that an environment of tens of thousands of files
// is never held as one structure (nor deep-copied by the library's
// version conversion). The elements therefore skip that conversion, and
// what of it applies to what pysbom writes is done here: a rating's
// unknown method becomes "other" ([converted]); an empty list, which the
// library's copy drops, is never built (component). TestEncodeMatchesLibrary
// holds both to the library's output.
func Encode(w io.Writer, inv *inventory.Inventory, opt Options) error {
	bom, err := build(inv, opt, false)
	if err != nil {
		return err
	}
	comps := *bom.Components
	if len(comps) > 0 { // the skeleton has one placeholder where the components go
		bom.Components = &[]cdx.Component{{BOMRef: placeholder, Type: cdx.ComponentTypeLibrary, Name: placeholder}}
	}
	vulns := opt.Vulnerabilities
	if len(vulns) > 0 { // and one where the vulnerabilities go
		bom.Vulnerabilities = &[]cdx.Vulnerability{{BOMRef: placeholder, ID: placeholder}}
	}
	var skel bytes.Buffer
	enc := cdx.NewBOMEncoder(&skel, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return err
	}
	ce := newComponentEncoder()
	before, after, tail := skel.Bytes(), []byte(nil), []byte(nil)
	if len(vulns) > 0 { // after the components in the document
		mark, err := ce.value((*bom.Vulnerabilities)[0])
		if err != nil {
			return err
		}
		var ok bool
		if before, tail, ok = cutLast(before, mark); !ok {
			return fmt.Errorf("cyclonedx: the vulnerabilities' place not found in the document")
		}
	}
	if len(comps) > 0 {
		mark, err := ce.encode((*bom.Components)[0], nil)
		if err != nil {
			return err
		}
		var ok bool
		if before, after, ok = bytes.Cut(before, bytes.Clone(mark)); !ok {
			return fmt.Errorf("cyclonedx: the components' place not found in the document")
		}
	}
	if len(inv.Root.Files) > 0 { // the root's files go into metadata.component
		plain, err := ce.encode(*bom.Metadata.Component, nil)
		if err != nil {
			return err
		}
		withFiles, err := ce.encode(*bom.Metadata.Component, inv.Root)
		if err != nil {
			return err
		}
		var ok bool
		if before, ok = replaceOnce(before, bytes.Clone(plain), withFiles); !ok {
			return fmt.Errorf("cyclonedx: the root component not found in the document")
		}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(before)
	for i, c := range comps {
		if i > 0 {
			bw.WriteString(",\n    ")
		}
		b, err := ce.encode(c, inv.Packages[i])
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.Write(after)
	if len(vulns) > 0 {
		for i, v := range vulns {
			if i > 0 {
				bw.WriteString(",\n    ")
			}
			b, err := ce.value(converted(v))
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.Write(tail)
	}
	return bw.Flush()
}

// converted is v as the library's conversion to 1.6 leaves it: a rating
// whose method 1.6 does not know (none given) says "other". v is not
// changed.
func converted(v cdx.Vulnerability) cdx.Vulnerability {
	if v.Ratings == nil {
		return v
	}
	ratings := slices.Clone(*v.Ratings)
	for i := range ratings {
		switch ratings[i].Method {
		case cdx.ScoringMethodCVSSv2, cdx.ScoringMethodCVSSv3, cdx.ScoringMethodCVSSv31, cdx.ScoringMethodCVSSv4,
			cdx.ScoringMethodOWASP, cdx.ScoringMethodSSVC, cdx.ScoringMethodOther:
		default:
			ratings[i].Method = cdx.ScoringMethodOther
		}
	}
	v.Ratings = &ratings
	return v
}

// cutLast cuts b around the last instance of sep.
func cutLast(b, sep []byte) (before, after []byte, found bool) {
	i := bytes.LastIndex(b, sep)
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+len(sep):], true
}

const placeholder = "pysbom-components-placeholder-6f1d2c"

func replaceOnce(b, old, repl []byte) ([]byte, bool) {
	i := bytes.Index(b, old)
	if i < 0 {
		return b, false
	}
	return append(append(append([]byte(nil), b[:i]...), repl...), b[i+len(old):]...), true
}

// componentEncoder writes one component as it stands in the document
// (indented at depth 2), and then its files, if any.
type componentEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
	out []byte
}

func newComponentEncoder() *componentEncoder {
	ce := &componentEncoder{}
	ce.enc = json.NewEncoder(&ce.buf)
	ce.enc.SetEscapeHTML(false)
	ce.enc.SetIndent("    ", "  ")
	return ce
}

// value returns v as it stands in the document at depth 2; the result
// is valid until the next call.
func (ce *componentEncoder) value(v any) ([]byte, error) {
	ce.buf.Reset()
	if err := ce.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(ce.buf.Bytes(), []byte("\n")), nil
}

// encode returns c, with p's files as its nested components when p is
// not nil; the result is valid until the next call.
func (ce *componentEncoder) encode(c cdx.Component, p *inventory.Package) ([]byte, error) {
	b, err := ce.value(c)
	if err != nil {
		return nil, err
	}
	if p == nil || len(p.Files) == 0 {
		return b, nil
	}
	// c has no nested components and nothing after them: the files go
	// last, before the closing brace.
	b = bytes.TrimSuffix(b, []byte("\n    }"))
	out := append(ce.out[:0], b...)
	out = append(out, ",\n      \"components\": ["...)
	for i, f := range p.Files {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, "\n        "...)
		out = appendFile(out, fileRef(p, f), f)
	}
	out = append(out, "\n      ]\n    }"...)
	ce.out = out
	return out, nil
}

// appendFile appends a file component at depth 4 as encoding/json
// writes it.
func appendFile(b []byte, ref string, f inventory.File) []byte {
	b = append(b, "{\n          \"bom-ref\": "...)
	b = jsonstr.Append(b, ref)
	b = append(b, ",\n          \"type\": \"file\",\n          \"name\": "...)
	b = jsonstr.Append(b, f.Path)
	hs := *hashes(f.Hashes)
	if len(hs) == 0 { // the library leaves out an empty list
		return append(b, "\n        }"...)
	}
	b = append(b, ",\n          \"hashes\": ["...)
	for i, h := range hs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n            {\n              \"alg\": "...)
		b = jsonstr.Append(b, string(h.Algorithm))
		b = append(b, ",\n              \"content\": "...)
		b = jsonstr.Append(b, h.Value)
		b = append(b, "\n            }"...)
	}
	return append(b, "\n          ]\n        }"...)
}

// Build converts inv into a CycloneDX BOM.
func Build(inv *inventory.Inventory, opt Options) (*cdx.BOM, error) { return build(inv, opt, true) }

// build converts inv, with the packages' files as nested components or
// without them.
func build(inv *inventory.Inventory, opt Options, withFiles bool) (*cdx.BOM, error) {
	if inv.Root == nil {
		return nil, fmt.Errorf("cyclonedx: inventory has no root component")
	}
	name := opt.ToolName
	if name == "" {
		name = "pysbom"
	}
	bom := cdx.NewBOM()
	bom.Version = 1
	problems := map[string][]inventory.Problem{}
	for _, pr := range inv.Problems {
		owner := pr.Package
		if owner == "" || inv.Find(owner) == nil {
			owner = inv.Root.ID
		}
		problems[owner] = append(problems[owner], pr)
	}
	root := component(inv.Root, problems[inv.Root.ID])
	root.Type = cdx.ComponentTypeApplication
	if withFiles {
		root.Components = fileComponents(inv.Root)
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: opt.Created.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: name, Version: opt.ToolVersion,
		}}},
		Component: &root,
	}
	if root.Supplier != nil {
		bom.Metadata.Supplier = root.Supplier
	}
	for _, a := range opt.Authors {
		if bom.Metadata.Authors == nil {
			bom.Metadata.Authors = &[]cdx.OrganizationalContact{}
		}
		*bom.Metadata.Authors = append(*bom.Metadata.Authors, cdx.OrganizationalContact{Name: a})
	}
	content := sha256.New()
	comps := make([]cdx.Component, 0, len(inv.Packages))
	for _, p := range inv.Packages {
		c := component(p, problems[p.ID])
		if withFiles {
			c.Components = fileComponents(p)
		}
		comps = append(comps, c)
		fmt.Fprintf(content, "%s\x00%s\x00", p.ID, p.Version)
		for _, f := range p.Files {
			content.Write([]byte(f.Path + f.Hash(inventory.SHA256)))
		}
	}
	bom.Components = &comps
	deps := map[string][]string{}
	var order []string
	for _, r := range inv.Relationships {
		if r.Type != inventory.DependsOn && r.Type != inventory.Contains {
			continue
		}
		if _, ok := deps[r.From]; !ok {
			order = append(order, r.From)
		}
		deps[r.From] = append(deps[r.From], r.To)
		fmt.Fprintf(content, "%s %s %s\n", r.From, r.Type, r.To)
	}
	var graph []cdx.Dependency
	seen := map[string]bool{}
	for _, from := range order {
		d := uniq(deps[from])
		graph = append(graph, cdx.Dependency{Ref: from, Dependencies: &d})
		seen[from] = true
	}
	// Every component appears in the graph, with no dependencies if none.
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		if !seen[p.ID] {
			graph = append(graph, cdx.Dependency{Ref: p.ID})
		}
	}
	bom.Dependencies = &graph
	if len(opt.Vulnerabilities) > 0 {
		vulns := opt.Vulnerabilities
		bom.Vulnerabilities = &vulns
	}
	sum := content.Sum([]byte(inv.Root.ID + inv.Root.Version))
	bom.SerialNumber = "urn:uuid:" + uuidFrom(sum)
	return bom, nil
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// uuidFrom formats the first 16 bytes of a digest as a version-5-style UUID.
func uuidFrom(sum []byte) string {
	h := sha256.Sum256(sum)
	b := h[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func component(p *inventory.Package, problems []inventory.Problem) cdx.Component {
	c := cdx.Component{
		BOMRef:      p.ID,
		Type:        componentType(p.Kind),
		Name:        p.Name,
		Version:     p.Version,
		Description: p.Summary,
		PackageURL:  p.PURL,
	}
	if len(p.CPEs) > 0 {
		c.CPE = p.CPEs[0]
	}
	if !p.Supplier.IsZero() {
		c.Supplier = &cdx.OrganizationalEntity{Name: p.Supplier.Name}
		if p.Supplier.Email != "" {
			c.Supplier.Contact = &[]cdx.OrganizationalContact{{Name: p.Supplier.Name, Email: p.Supplier.Email}}
		}
	}
	if !p.Originator.IsZero() {
		c.Authors = &[]cdx.OrganizationalContact{{Name: p.Originator.Name, Email: p.Originator.Email}}
	}
	if l := licenses(p.License); l != nil {
		c.Licenses = l
	}
	if hs := hashes(p.Hashes); len(*hs) > 0 { // an empty list is left out, as the library does
		c.Hashes = hs
	}
	if refs := externalRefs(p); len(refs) > 0 {
		c.ExternalReferences = &refs
	}
	var props []cdx.Property
	add := func(n, v string) { props = append(props, cdx.Property{Name: n, Value: v}) }
	for _, cpe := range p.CPEs[min(1, len(p.CPEs)):] {
		add("pysbom:cpe", cpe)
	}
	if py := p.Python; py != nil {
		add("pysbom:python:metadata-dir", py.MetadataDir)
		add("pysbom:python:location", py.Location)
		if py.Installer != "" {
			add("pysbom:python:installer", py.Installer)
		}
		if py.RequiresPython != "" {
			add("pysbom:python:requires-python", py.RequiresPython)
		}
	}
	for _, f := range p.License.Files {
		add("pysbom:license-file", f)
	}
	if d := p.Distro; d != nil {
		add("pysbom:distro:package", d.Name)
		add("pysbom:distro:version", d.Version)
		add("pysbom:distro:purl", d.PURL)
	}
	for _, pr := range p.Properties {
		add(pr.Name, pr.Value)
	}
	for _, pr := range problems {
		v := string(pr.Kind)
		if pr.Path != "" {
			v += " " + pr.Path
		}
		add("pysbom:problem", v+": "+pr.Message)
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

// fileComponents are a package's files as nested components of type
// "file" (Encode writes the same by hand: appendFile).
func fileComponents(p *inventory.Package) *[]cdx.Component {
	if len(p.Files) == 0 {
		return nil
	}
	files := make([]cdx.Component, 0, len(p.Files))
	for _, f := range p.Files {
		files = append(files, cdx.Component{
			BOMRef: fileRef(p, f),
			Type:   cdx.ComponentTypeFile,
			Name:   f.Path,
			Hashes: hashes(f.Hashes),
		})
	}
	return &files
}

func fileRef(p *inventory.Package, f inventory.File) string { return p.ID + ":" + f.Path }

func componentType(k inventory.Kind) cdx.ComponentType {
	switch k {
	case inventory.KindInterpreter:
		return cdx.ComponentTypePlatform
	case inventory.KindEnvironment:
		return cdx.ComponentTypeApplication
	}
	return cdx.ComponentTypeLibrary
}

var algorithms = map[inventory.Algorithm]cdx.HashAlgorithm{
	inventory.SHA1: cdx.HashAlgoSHA1, inventory.SHA256: cdx.HashAlgoSHA256,
	inventory.SHA384: cdx.HashAlgoSHA384, inventory.SHA512: cdx.HashAlgoSHA512, inventory.MD5: cdx.HashAlgoMD5,
}

func hashes(hs []inventory.Hash) *[]cdx.Hash {
	out := make([]cdx.Hash, 0, len(hs))
	for _, h := range hs {
		if alg, ok := algorithms[h.Algorithm]; ok {
			out = append(out, cdx.Hash{Algorithm: alg, Value: h.Value})
		}
	}
	return &out
}

func licenses(l inventory.License) *cdx.Licenses {
	switch {
	case l.Expression != "":
		return &cdx.Licenses{{Expression: l.Expression}}
	case l.Declared == "":
		return nil
	}
	lic := &cdx.License{Name: l.Declared, Acknowledgement: cdx.LicenseAcknowledgementDeclared}
	if strings.Contains(l.Declared, "\n") || len(l.Declared) > 100 {
		first := strings.SplitN(l.Declared, "\n", 2)[0]
		if len(first) > 80 {
			first = first[:80] + "..."
		}
		lic.Name = first
		lic.Text = &cdx.AttachedText{ContentType: "text/plain", Content: l.Declared}
	}
	return &cdx.Licenses{{License: lic}}
}

// externalRefs maps homepage, download location and Project-URLs.
func externalRefs(p *inventory.Package) []cdx.ExternalReference {
	var out []cdx.ExternalReference
	seen := map[string]bool{}
	add := func(t cdx.ExternalReferenceType, url, comment string) {
		if url == "" || seen[string(t)+url] || !looksLikeURL(url) {
			return
		}
		seen[string(t)+url] = true
		out = append(out, cdx.ExternalReference{Type: t, URL: url, Comment: comment})
	}
	add(cdx.ERTypeWebsite, p.Homepage, "")
	// A lock's archives, each with its checksums; a file the lock names
	// without a URL is a relative reference to it.
	for _, a := range p.Artifacts {
		ref := a.URL
		if ref == "" {
			ref = a.Name
		}
		if ref == "" || seen[string(cdx.ERTypeDistribution)+ref] || strings.ContainsAny(ref, " \t\n") {
			continue
		}
		seen[string(cdx.ERTypeDistribution)+ref] = true
		r := cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: ref, Comment: a.Name}
		if hs := hashes(a.Hashes); len(*hs) > 0 {
			r.Hashes = hs
		}
		out = append(out, r)
	}
	add(cdx.ERTypeDistribution, p.DownloadLocation, "")
	for _, l := range p.URLs {
		add(urlType(l.Label), l.URL, l.Label)
	}
	return out
}

func looksLikeURL(s string) bool {
	return strings.Contains(s, ":") && !strings.ContainsAny(s, " \t\n")
}

func urlType(label string) cdx.ExternalReferenceType {
	l := strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "", ".", "").Replace(label))
	switch {
	case l == "homepage" || l == "home":
		return cdx.ERTypeWebsite
	case strings.Contains(l, "source") || strings.Contains(l, "repository") || l == "github" || l == "code":
		return cdx.ERTypeVCS
	case strings.Contains(l, "issue") || strings.Contains(l, "tracker") || strings.Contains(l, "bug"):
		return cdx.ERTypeIssueTracker
	case strings.Contains(l, "doc"):
		return cdx.ERTypeDocumentation
	case strings.Contains(l, "changelog") || strings.Contains(l, "changes") || strings.Contains(l, "release"):
		return cdx.ERTypeReleaseNotes
	case strings.Contains(l, "download"):
		return cdx.ERTypeDistribution
	case strings.Contains(l, "chat") || strings.Contains(l, "discord") || strings.Contains(l, "mailing"):
		return cdx.ERTypeChat
	}
	return cdx.ERTypeOther
}
