// Package cyclonedx writes inventories as CycloneDX 1.6 JSON documents,
// through the official CycloneDX Go library, and reads CycloneDX 1.x JSON
// documents from any tool back into inventories ([Decode]), nested
// components included.
//
// # Mapping
//
// The inventory's root is metadata.component. A package another package
// contains (pip's vendored certifi, a wheel's Rust crates, the libraries
// compiled into an interpreter) is nested in its carrier's components;
// every other package is a top-level component. The files of a package
// are nested components of type "file" with SHA-1 and SHA-256, after the
// packages it carries. The dependency graph lists what the root contains
// and what each component depends on; containment shown by nesting is
// not repeated there. Problems found
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
	b, err := build(inv, opt, false)
	if err != nil {
		return err
	}
	bom := b.bom
	if len(b.flat) > 0 { // the skeleton has one placeholder where the components go
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
		mark, err := ce.value((*bom.Vulnerabilities)[0], 2)
		if err != nil {
			return err
		}
		var ok bool
		if before, tail, ok = cutLast(before, mark); !ok {
			return fmt.Errorf("cyclonedx: the vulnerabilities' place not found in the document")
		}
	}
	if len(b.flat) > 0 {
		mark, err := ce.value((*bom.Components)[0], 2)
		if err != nil {
			return err
		}
		var ok bool
		if before, after, ok = bytes.Cut(before, bytes.Clone(mark)); !ok {
			return fmt.Errorf("cyclonedx: the components' place not found in the document")
		}
	}
	if len(inv.Root.Files) > 0 { // the root's files go into metadata.component
		plain, err := ce.value(*bom.Metadata.Component, 2)
		if err != nil {
			return err
		}
		plain = bytes.Clone(plain)
		var withFiles bytes.Buffer
		if err := ce.write(&withFiles, *bom.Metadata.Component, inv.Root, nil, 2); err != nil {
			return err
		}
		var ok bool
		if before, ok = replaceOnce(before, plain, withFiles.Bytes()); !ok {
			return fmt.Errorf("cyclonedx: the root component not found in the document")
		}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(before)
	var nest func(i, depth int) error
	nest = func(i, depth int) error {
		kids := b.tree.Children[i]
		if len(kids) == 0 {
			return ce.write(bw, b.flat[i], inv.Packages[i], nil, depth)
		}
		return ce.write(bw, b.flat[i], inv.Packages[i], func(w io.Writer, prefix string) (bool, error) {
			for j, k := range kids {
				if j > 0 {
					io.WriteString(w, ",")
				}
				io.WriteString(w, prefix)
				if err := nest(k, depth+2); err != nil {
					return false, err
				}
			}
			return true, nil
		}, depth)
	}
	for n, i := range b.tree.Top {
		if n > 0 {
			bw.WriteString(",\n    ")
		}
		if err := nest(i, 2); err != nil {
			return err
		}
	}
	bw.Write(after)
	if len(vulns) > 0 {
		for i, v := range vulns {
			if i > 0 {
				bw.WriteString(",\n    ")
			}
			b, err := ce.value(converted(v), 2)
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

// componentEncoder writes components as they stand in the document, at
// any depth, with the components nested in them and their files.
type componentEncoder struct {
	buf  bytes.Buffer
	encs map[int]*json.Encoder // by depth
	out  []byte
}

func newComponentEncoder() *componentEncoder {
	return &componentEncoder{encs: map[int]*json.Encoder{}}
}

// value returns v as it stands in the document at depth (2 for an entry of
// a top-level array); the result is valid until the next call.
func (ce *componentEncoder) value(v any, depth int) ([]byte, error) {
	enc := ce.encs[depth]
	if enc == nil {
		enc = json.NewEncoder(&ce.buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent(strings.Repeat("  ", depth), "  ")
		ce.encs[depth] = enc
	}
	ce.buf.Reset()
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(ce.buf.Bytes(), []byte("\n")), nil
}

// write writes c at depth, then into its components the ones nested
// writes (given the separator each entry starts with, it reports whether
// it wrote any) and p's files.
func (ce *componentEncoder) write(w io.Writer, c cdx.Component, p *inventory.Package,
	nested func(w io.Writer, prefix string) (bool, error), depth int) error {
	b, err := ce.value(c, depth)
	if err != nil {
		return err
	}
	ind := strings.Repeat("  ", depth)
	if nested == nil && len(p.Files) == 0 {
		_, err := w.Write(b)
		return err
	}
	// c has no nested components and nothing after them: they go last,
	// before the closing brace.
	b = bytes.TrimSuffix(b, []byte("\n"+ind+"}"))
	w.Write(b)
	io.WriteString(w, ",\n"+ind+"  \"components\": [")
	prefix := "\n" + ind + "    "
	any := false
	if nested != nil {
		if any, err = nested(w, prefix); err != nil {
			return err
		}
	}
	for _, f := range p.Files {
		if any {
			io.WriteString(w, ",")
		}
		any = true
		ce.out = appendFile(append(ce.out[:0], prefix...), fileRef(p, f), f, depth+2)
		w.Write(ce.out)
	}
	if !any { // nothing nested after all: the component as the library writes it
		return fmt.Errorf("cyclonedx: %s: an empty list of nested components", p.ID)
	}
	_, err = io.WriteString(w, "\n"+ind+"  ]\n"+ind+"}")
	return err
}

// appendFile appends a file component at depth as encoding/json writes
// it.
func appendFile(b []byte, ref string, f inventory.File, depth int) []byte {
	ind := strings.Repeat("  ", depth)
	b = append(b, "{\n"+ind+"  \"bom-ref\": "...)
	b = jsonstr.Append(b, ref)
	b = append(b, ",\n"+ind+"  \"type\": \"file\",\n"+ind+"  \"name\": "...)
	b = jsonstr.Append(b, f.Path)
	hs := *hashes(f.Hashes)
	if len(hs) == 0 { // the library leaves out an empty list
		return append(b, "\n"+ind+"}"...)
	}
	b = append(b, ",\n"+ind+"  \"hashes\": ["...)
	for i, h := range hs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n"+ind+"    {\n"+ind+"      \"alg\": "...)
		b = jsonstr.Append(b, string(h.Algorithm))
		b = append(b, ",\n"+ind+"      \"content\": "...)
		b = jsonstr.Append(b, h.Value)
		b = append(b, "\n"+ind+"    }"...)
	}
	return append(b, "\n"+ind+"  ]\n"+ind+"}"...)
}

// Build converts inv into a CycloneDX BOM.
func Build(inv *inventory.Inventory, opt Options) (*cdx.BOM, error) {
	b, err := build(inv, opt, true)
	if err != nil {
		return nil, err
	}
	return b.bom, nil
}

// built is a BOM and how its components were made: one per package, in
// inventory order (flat), and how they nest (tree).
type built struct {
	bom  *cdx.BOM
	flat []cdx.Component
	tree inventory.Nesting
}

// build converts inv. withFiles nests the packages in their carriers and
// the files in their packages, as the document has them; without it,
// bom.Components is left for Encode, which writes flat and tree itself.
func build(inv *inventory.Inventory, opt Options, withFiles bool) (*built, error) {
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
	flat := make([]cdx.Component, 0, len(inv.Packages))
	for _, p := range inv.Packages {
		flat = append(flat, component(p, problems[p.ID]))
		fmt.Fprintf(content, "%s\x00%s\x00", p.ID, p.Version)
		for _, f := range p.Files {
			content.Write([]byte(f.Path + f.Hash(inventory.SHA256)))
		}
	}
	t := inv.Nesting()
	if withFiles {
		var assemble func(i int) cdx.Component
		assemble = func(i int) cdx.Component {
			c := flat[i]
			var sub []cdx.Component
			for _, k := range t.Children[i] {
				sub = append(sub, assemble(k))
			}
			if files := fileComponents(inv.Packages[i]); files != nil {
				sub = append(sub, *files...)
			}
			if len(sub) > 0 {
				c.Components = &sub
			}
			return c
		}
		top := make([]cdx.Component, 0, len(t.Top))
		for _, i := range t.Top {
			top = append(top, assemble(i))
		}
		bom.Components = &top
	} else {
		bom.Components = &flat
	}
	deps := map[string][]string{}
	var order []string
	for _, r := range inv.Relationships {
		if r.Type != inventory.DependsOn && r.Type != inventory.Contains {
			continue
		}
		fmt.Fprintf(content, "%s %s %s\n", r.From, r.Type, r.To)
		if t.Nested[r] {
			continue
		}
		if _, ok := deps[r.From]; !ok {
			order = append(order, r.From)
		}
		deps[r.From] = append(deps[r.From], r.To)
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
	return &built{bom: bom, flat: flat, tree: t}, nil
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
		Description: p.More().Summary,
		PackageURL:  p.PURL,
	}
	if len(p.More().CPEs) > 0 {
		c.CPE = p.More().CPEs[0]
	}
	if !p.Supplier.IsZero() {
		c.Supplier = &cdx.OrganizationalEntity{Name: p.Supplier.Name}
		if p.Supplier.Email != "" {
			c.Supplier.Contact = &[]cdx.OrganizationalContact{{Name: p.Supplier.Name, Email: p.Supplier.Email}}
		}
	}
	if !p.More().Originator.IsZero() {
		c.Authors = &[]cdx.OrganizationalContact{{Name: p.More().Originator.Name, Email: p.More().Originator.Email}}
	}
	if l := licenses(p.More().License); l != nil {
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
	for _, cpe := range p.More().CPEs[min(1, len(p.More().CPEs)):] {
		add(inventory.PropCPE, cpe)
	}
	if py := p.Python; py != nil {
		add(inventory.PropPythonMetadataDir, py.MetadataDir)
		add(inventory.PropPythonLocation, py.Location)
		if py.Installer != "" {
			add(inventory.PropPythonInstaller, py.Installer)
		}
		if py.RequiresPython != "" {
			add(inventory.PropPythonRequiresPython, py.RequiresPython)
		}
	}
	for _, f := range p.More().License.Files {
		add(inventory.PropLicenseFile, f)
	}
	if d := p.Distro; d != nil {
		add(inventory.PropDistroPackage, d.Name)
		add(inventory.PropDistroVersion, d.Version)
		add(inventory.PropDistroPURL, d.PURL)
	}
	for _, pr := range p.Properties {
		add(pr.Name, pr.Value)
	}
	for _, pr := range problems {
		v := string(pr.Kind)
		if pr.Path != "" {
			v += " " + pr.Path
		}
		add(inventory.PropProblem, v+": "+pr.Message)
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
	case inventory.KindImage:
		return cdx.ComponentTypeContainer
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
	add(cdx.ERTypeWebsite, p.More().Homepage, "")
	// A lock's archives, each with its checksums; a file the lock names
	// without a URL is a relative reference to it.
	for _, a := range p.More().Artifacts {
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
	add(cdx.ERTypeDistribution, p.More().DownloadLocation, "")
	for _, l := range p.More().URLs {
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
