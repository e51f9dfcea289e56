// Package spdx writes inventories as SPDX 2.3 documents, JSON
// ([Encode]) and tag-value ([EncodeTagValue]), and reads SPDX 2.2/2.3
// JSON and tag-value documents from any tool back into inventories
// ([Decode], [TagValueToJSON]).
//
// # Mapping
//
// The inventory's root is the package the document DESCRIBES; it CONTAINS
// every other component. Python distributions DEPENDS_ON each other as
// their Requires-Dist says, and CONTAINS their files. Files carry SHA-1
// and SHA-256; packages with files carry a package verification code.
// Declared licenses that are not SPDX expressions are kept verbatim as
// extracted licensing information under a LicenseRef. Problems found while
// reading the target become REVIEW annotations on the package concerned.
//
// # Determinism
//
// Everything not derived from the inventory comes from [Options]: the same
// inventory and options give byte-identical output. The document namespace
// is derived from the content.
package spdx

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Options carry the inputs that do not come from the inventory.
type Options struct {
	Created time.Time
	// Tool names the generator, as "pysbom-1.2.3".
	Tool string
	// Creators are further creators ("Organization: ACME", "Person: ...").
	Creators []string
	// NamespaceBase prefixes the document namespace; a default is used when "".
	NamespaceBase string
}

const noAssertion = "NOASSERTION"

type document struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      creationInfo   `json:"creationInfo"`
	Packages          []pkg          `json:"packages"`
	Files             []file         `json:"files,omitempty"`
	ExtractedLicenses []extractedLic `json:"hasExtractedLicensingInfos,omitempty"`
	Relationships     []relationship `json:"relationships"`
}

type creationInfo struct {
	Created            string   `json:"created"`
	Creators           []string `json:"creators"`
	LicenseListVersion string   `json:"licenseListVersion"`
}

type pkg struct {
	SPDXID           string        `json:"SPDXID"`
	Name             string        `json:"name"`
	VersionInfo      string        `json:"versionInfo,omitempty"`
	Supplier         string        `json:"supplier,omitempty"`
	Originator       string        `json:"originator,omitempty"`
	DownloadLocation string        `json:"downloadLocation"`
	FilesAnalyzed    bool          `json:"filesAnalyzed"`
	VerificationCode *verification `json:"packageVerificationCode,omitempty"`
	Checksums        []checksum    `json:"checksums,omitempty"`
	Homepage         string        `json:"homepage,omitempty"`
	LicenseConcluded string        `json:"licenseConcluded"`
	LicenseDeclared  string        `json:"licenseDeclared"`
	LicenseComments  string        `json:"licenseComments,omitempty"`
	CopyrightText    string        `json:"copyrightText"`
	Summary          string        `json:"summary,omitempty"`
	Comment          string        `json:"comment,omitempty"`
	ExternalRefs     []externalRef `json:"externalRefs,omitempty"`
	Purpose          string        `json:"primaryPackagePurpose,omitempty"`
	Annotations      []annotation  `json:"annotations,omitempty"`

	files []int // its entries in document.Files, for the tag-value format
}

type verification struct {
	Value string `json:"packageVerificationCodeValue"`
}

type checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type externalRef struct {
	Category string `json:"referenceCategory"`
	Type     string `json:"referenceType"`
	Locator  string `json:"referenceLocator"`
	Comment  string `json:"comment,omitempty"`
}

type annotation struct {
	Type      string `json:"annotationType"`
	Annotator string `json:"annotator"`
	Date      string `json:"annotationDate"`
	Comment   string `json:"comment"`
}

type file struct {
	SPDXID           string     `json:"SPDXID"`
	FileName         string     `json:"fileName"`
	Checksums        []checksum `json:"checksums"`
	LicenseConcluded string     `json:"licenseConcluded"`
	CopyrightText    string     `json:"copyrightText"`
	Comment          string     `json:"comment,omitempty"`
}

type extractedLic struct {
	LicenseID     string `json:"licenseId"`
	ExtractedText string `json:"extractedText"`
	Name          string `json:"name,omitempty"`
	Comment       string `json:"comment,omitempty"`
}

type relationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// Encode writes inv as an SPDX 2.3 JSON document. The document is
// written element by element, so that an environment with tens of
// thousands of files never exists twice in memory as JSON; the bytes are
// those encoding/json writes for the whole document with a two-space
// indent.
func Encode(w io.Writer, inv *inventory.Inventory, opt Options) error {
	doc, err := build(inv, opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	s := &streamer{w: bw}
	s.raw("{\n")
	s.field("spdxVersion", doc.SPDXVersion, false)
	s.field("dataLicense", doc.DataLicense, false)
	s.field("SPDXID", doc.SPDXID, false)
	s.field("name", doc.Name, false)
	s.field("documentNamespace", doc.DocumentNamespace, false)
	s.field("creationInfo", doc.CreationInfo, false)
	s.array("packages", len(doc.Packages), func(i int) any { return doc.Packages[i] }, false)
	if len(doc.Files) > 0 {
		s.fast("files", len(doc.Files), func(b []byte, i int) []byte { return appendFile(b, doc.Files[i]) }, false)
	}
	if len(doc.ExtractedLicenses) > 0 {
		s.array("hasExtractedLicensingInfos", len(doc.ExtractedLicenses), func(i int) any { return doc.ExtractedLicenses[i] }, false)
	}
	s.fast("relationships", len(doc.Relationships), func(b []byte, i int) []byte { return appendRelationship(b, doc.Relationships[i]) }, true)
	s.raw("}\n")
	if s.err != nil {
		return s.err
	}
	return bw.Flush()
}

// streamer writes indented JSON piece by piece.
type streamer struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

func (s *streamer) raw(str string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(str)
	}
}

// value writes v indented for the given depth, without a newline.
func (s *streamer) value(v any, prefix string) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if s.err = enc.Encode(v); s.err == nil {
		_, s.err = s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	}
}

func (s *streamer) field(name string, v any, last bool) {
	s.raw("  " + strconv.Quote(name) + ": ")
	s.value(v, "  ")
	s.raw(sep(last))
}

func (s *streamer) array(name string, n int, elem func(int) any, last bool) {
	if n == 0 {
		s.raw("  " + strconv.Quote(name) + ": []" + sep(last))
		return
	}
	s.raw("  " + strconv.Quote(name) + ": [\n")
	for i := 0; i < n; i++ {
		s.raw("    ")
		s.value(elem(i), "    ")
		s.raw(sep(i == n-1))
	}
	s.raw("  ]" + sep(last))
}

// fast writes an array whose elements append their own JSON: the files
// and relationships, tens of thousands of fixed-shape entries.
func (s *streamer) fast(name string, n int, elem func([]byte, int) []byte, last bool) {
	s.raw("  " + strconv.Quote(name) + ": [\n")
	var b []byte
	for i := 0; i < n && s.err == nil; i++ {
		b = append(b[:0], "    "...)
		b = elem(b, i)
		b = append(b, sep(i == n-1)...)
		_, s.err = s.w.Write(b)
	}
	s.raw("  ]" + sep(last))
}

func sep(last bool) string {
	if last {
		return "\n"
	}
	return ",\n"
}

func build(inv *inventory.Inventory, opt Options) (*document, error) {
	if inv.Root == nil {
		return nil, fmt.Errorf("spdx: inventory has no root component")
	}
	created := opt.Created.UTC().Format(time.RFC3339)
	tool := opt.Tool
	if tool == "" {
		tool = "pysbom"
	}
	annotator := "Tool: " + tool
	doc := &document{
		SPDXVersion: "SPDX-2.3",
		DataLicense: "CC0-1.0",
		SPDXID:      "SPDXRef-DOCUMENT",
		Name:        inv.Root.Name,
		CreationInfo: creationInfo{
			Created:            created,
			Creators:           append([]string{"Tool: " + tool}, opt.Creators...),
			LicenseListVersion: "3.25",
		},
	}
	ids := map[string]string{}
	used := map[string]bool{"SPDXRef-DOCUMENT": true}
	all := append([]*inventory.Package{inv.Root}, inv.Packages...)
	for _, p := range all {
		id := "SPDXRef-Package-" + sanitize(p.ID)
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("SPDXRef-Package-%s-%d", sanitize(p.ID), n)
		}
		used[id] = true
		ids[p.ID] = id
	}
	extracted := map[string]extractedLic{}
	problems := map[string][]inventory.Problem{}
	for _, pr := range inv.Problems {
		owner := pr.Package
		if owner == "" || ids[owner] == "" {
			owner = inv.Root.ID
		}
		problems[owner] = append(problems[owner], pr)
	}
	content := sha256.New()
	for _, p := range all {
		sp := pkg{
			SPDXID:           ids[p.ID],
			Name:             p.Name,
			VersionInfo:      p.Version,
			Supplier:         party(p.Supplier, true),
			Originator:       party(p.More().Originator, false),
			DownloadLocation: orNoAssertion(p.More().DownloadLocation),
			Homepage:         p.More().Homepage,
			LicenseConcluded: noAssertion,
			LicenseDeclared:  declared(p.More().License, extracted),
			CopyrightText:    noAssertion,
			Summary:          p.More().Summary,
			Purpose:          purpose(p.Kind),
		}
		if p.More().License.Source != "" {
			sp.LicenseComments = "declared in " + p.More().License.Source
		}
		for _, h := range p.Hashes {
			sp.Checksums = append(sp.Checksums, checksum{string(h.Algorithm), h.Value})
		}
		if p.PURL != "" {
			sp.ExternalRefs = append(sp.ExternalRefs, externalRef{"PACKAGE-MANAGER", "purl", p.PURL, ""})
		}
		for _, c := range p.More().CPEs {
			sp.ExternalRefs = append(sp.ExternalRefs, externalRef{"SECURITY", "cpe23Type", c, ""})
		}
		sp.Comment = comment(p)
		for _, pr := range problems[p.ID] {
			sp.Annotations = append(sp.Annotations, annotation{"REVIEW", annotator, created, problemText(pr)})
		}
		if len(p.Files) > 0 {
			sp.FilesAnalyzed = true
			var sha1s []string
			for _, f := range p.Files {
				s1 := f.Hash(inventory.SHA1)
				if s1 == "" {
					continue
				}
				sha1s = append(sha1s, s1)
				fid := fileID(p.ID, f.Path)
				sp.files = append(sp.files, len(doc.Files))
				doc.Files = append(doc.Files, file{
					SPDXID:   fid,
					FileName: "./" + strings.TrimPrefix(f.Path, "/"), // an image's absolute names are relative to its root
					Checksums: []checksum{
						{"SHA1", s1}, {"SHA256", f.Hash(inventory.SHA256)},
					},
					LicenseConcluded: noAssertion,
					CopyrightText:    noAssertion,
				})
				doc.Relationships = append(doc.Relationships, relationship{sp.SPDXID, "CONTAINS", fid})
				content.Write([]byte(fid + f.Hash(inventory.SHA256)))
			}
			sort.Strings(sha1s)
			vc := sha1.Sum([]byte(strings.Join(sha1s, "")))
			sp.VerificationCode = &verification{hex.EncodeToString(vc[:])}
		}
		fmt.Fprintf(content, "%s\x00%s\x00%s\x00", p.ID, p.Name, p.Version)
		doc.Packages = append(doc.Packages, sp)
	}
	doc.Relationships = append([]relationship{{"SPDXRef-DOCUMENT", "DESCRIBES", ids[inv.Root.ID]}}, doc.Relationships...)
	for _, r := range inv.Relationships {
		from, to := ids[r.From], ids[r.To]
		if from == "" || to == "" {
			return nil, fmt.Errorf("spdx: relationship %s %s %s names an unknown package", r.From, r.Type, r.To)
		}
		doc.Relationships = append(doc.Relationships, relationship{from, string(r.Type), to})
		fmt.Fprintf(content, "%s %s %s\n", r.From, r.Type, r.To)
	}
	sort.SliceStable(doc.Relationships[1:], func(i, j int) bool {
		a, b := doc.Relationships[1+i], doc.Relationships[1+j]
		if a.Element != b.Element {
			return a.Element < b.Element
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Related < b.Related
	})
	for _, e := range extracted {
		doc.ExtractedLicenses = append(doc.ExtractedLicenses, e)
	}
	sort.Slice(doc.ExtractedLicenses, func(i, j int) bool { return doc.ExtractedLicenses[i].LicenseID < doc.ExtractedLicenses[j].LicenseID })
	base := opt.NamespaceBase
	if base == "" {
		base = "https://spdx.org/spdxdocs/pysbom/"
	}
	doc.DocumentNamespace = base + sanitize(inv.Root.Name) + "-" + hex.EncodeToString(content.Sum(nil))[:32]
	return doc, nil
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// sanitize makes s usable inside an SPDX identifier.
func sanitize(s string) string {
	return strings.Trim(unsafeID.ReplaceAllString(s, "-"), "-")
}

func fileID(pkgID, path string) string {
	h := sha256.Sum256([]byte(pkgID + "\x00" + path))
	return "SPDXRef-File-" + hex.EncodeToString(h[:10])
}

func orNoAssertion(s string) string {
	if s == "" {
		return noAssertion
	}
	return s
}

// party formats a supplier or originator; suppliers say NOASSERTION when
// nothing is known, originators are left out.
func party(p inventory.Party, required bool) string {
	if p.IsZero() {
		if required {
			return noAssertion
		}
		return ""
	}
	kind := p.Kind
	if kind == "" {
		kind = inventory.Organization
	}
	s := string(kind) + ": " + strings.NewReplacer("(", "[", ")", "]").Replace(p.Name)
	if p.Email != "" {
		s += " (" + p.Email + ")"
	}
	return s
}

// declared returns the licenseDeclared value and records extracted text
// for licenses that are not SPDX expressions.
func declared(l inventory.License, extracted map[string]extractedLic) string {
	if l.Expression != "" {
		for _, tok := range strings.FieldsFunc(l.Expression, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
			if strings.HasPrefix(tok, "LicenseRef-") {
				extracted[tok] = extractedLic{LicenseID: tok, ExtractedText: "The license text is not part of the package metadata; see the package's license files.", Name: tok}
			}
		}
		return l.Expression
	}
	if l.Declared == "" {
		return noAssertion
	}
	h := sha256.Sum256([]byte(l.Declared))
	id := "LicenseRef-pysbom-" + hex.EncodeToString(h[:6])
	name := l.Declared
	if i := strings.IndexByte(name, '\n'); i >= 0 {
		name = name[:i]
	}
	if len(name) > 80 {
		name = name[:80] + "..."
	}
	extracted[id] = extractedLic{LicenseID: id, ExtractedText: l.Declared, Name: name, Comment: "declared in " + l.Source + "; not an SPDX license expression"}
	return id
}

func purpose(k inventory.Kind) string {
	switch k {
	case inventory.KindDistribution:
		return "LIBRARY"
	case inventory.KindInterpreter:
		return "APPLICATION"
	case inventory.KindOSPackage, inventory.KindLibrary:
		return "LIBRARY"
	case inventory.KindFile:
		return "FILE"
	case inventory.KindImage:
		return "CONTAINER"
	}
	return "OTHER"
}

// comment gathers facts that SPDX 2.3 has no field for.
func comment(p *inventory.Package) string {
	var parts []string
	if p.Python != nil {
		parts = append(parts, "Python metadata: "+p.Python.MetadataDir)
		if p.Python.Installer != "" {
			parts = append(parts, "installer: "+p.Python.Installer)
		}
	}
	if len(p.More().License.Files) > 0 {
		parts = append(parts, "license files: "+strings.Join(p.More().License.Files, ", "))
	}
	if d := p.Distro; d != nil {
		parts = append(parts, fmt.Sprintf("installed by the %s package %s %s (%s)", d.Manager, d.Name, d.Version, d.PURL))
	}
	for _, pr := range p.Properties {
		parts = append(parts, pr.Name+": "+pr.Value)
	}
	return strings.Join(parts, "; ")
}

func problemText(p inventory.Problem) string {
	s := "pysbom problem " + string(p.Kind)
	if p.Path != "" {
		s += " " + p.Path
	}
	return s + ": " + p.Message
}
