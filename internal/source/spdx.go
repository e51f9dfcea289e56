package source

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var spdxIDRE = regexp.MustCompile(`[^a-zA-Z0-9.-]+`)

// spdxID is CPython's spdx_id: every run of characters outside
// [a-zA-Z0-9.-] becomes "-".
func spdxID(s string) string { return spdxIDRE.ReplaceAllString(s, "-") }

// document is the SPDX 2.3 shape CPython's Misc/sbom.spdx.json uses.
type document struct {
	SPDXID            string         `json:"SPDXID"`
	CreationInfo      *creationInfo  `json:"creationInfo,omitempty"`
	DataLicense       string         `json:"dataLicense,omitempty"`
	DocumentNamespace string         `json:"documentNamespace,omitempty"`
	Files             []spdxFile     `json:"files,omitempty"`
	Name              string         `json:"name,omitempty"`
	Packages          []spdxPackage  `json:"packages"`
	Relationships     []relationship `json:"relationships,omitempty"`
	SPDXVersion       string         `json:"spdxVersion"`
}

type creationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type verificationCode struct {
	Value string `json:"packageVerificationCodeValue"`
}

type spdxFile struct {
	SPDXID    string     `json:"SPDXID"`
	Checksums []checksum `json:"checksums"`
	FileName  string     `json:"fileName"`
}

type checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type spdxPackage struct {
	SPDXID           string            `json:"SPDXID"`
	Checksums        []checksum        `json:"checksums,omitempty"`
	DownloadLocation string            `json:"downloadLocation"`
	ExternalRefs     []externalRef     `json:"externalRefs"`
	FilesAnalyzed    *bool             `json:"filesAnalyzed,omitempty"`
	LicenseConcluded string            `json:"licenseConcluded"`
	Name             string            `json:"name"`
	Originator       string            `json:"originator,omitempty"`
	Purpose          string            `json:"primaryPackagePurpose,omitempty"`
	Supplier         string            `json:"supplier,omitempty"`
	Verification     *verificationCode `json:"packageVerificationCode,omitempty"`
	VersionInfo      string            `json:"versionInfo"`
}

type externalRef struct {
	Category string `json:"referenceCategory"`
	Locator  string `json:"referenceLocator"`
	Type     string `json:"referenceType"`
}

type relationship struct {
	Related string `json:"relatedSpdxElement"`
	Type    string `json:"relationshipType"`
	Element string `json:"spdxElementId"`
}

// Doc carries the document-level fields of a complete SPDX document
// (format "spdx"); CPython's format has none of them.
type Doc struct {
	Name    string
	Created string // RFC 3339, UTC
}

// Render writes the SBOM of the manifest's packages and their files in
// CPython's layout: keys sorted, two-space indent, packages in manifest
// order, each package's files sorted by path. Unless the manifest's
// format is "cpython", the document also gets the fields SPDX 2.3
// requires (name, namespace, data license, creation info, DESCRIBES,
// verification codes).
func Render(m *Manifest, files map[string][]File, d Doc) ([]byte, error) {
	doc := document{SPDXID: "SPDXRef-DOCUMENT", SPDXVersion: "SPDX-2.3", Files: []spdxFile{}, Packages: []spdxPackage{}, Relationships: []relationship{}}
	for _, p := range m.Packages {
		id := spdxID("SPDXRef-PACKAGE-" + p.Name)
		sp := spdxPackage{SPDXID: id, DownloadLocation: orNoAssertion(p.DownloadURL), ExternalRefs: []externalRef{},
			LicenseConcluded: orNoAssertion(p.License), Name: p.Name, Originator: p.Originator, Purpose: p.Purpose,
			Supplier: p.Supplier, VersionInfo: p.Version}
		if p.SHA256 != "" {
			sp.Checksums = []checksum{{"SHA256", p.SHA256}}
		}
		for _, c := range p.CPE {
			sp.ExternalRefs = append(sp.ExternalRefs, externalRef{"SECURITY", c, "cpe23Type"})
		}
		for _, u := range p.PURL {
			sp.ExternalRefs = append(sp.ExternalRefs, externalRef{"PACKAGE_MANAGER", u, "purl"})
		}
		if m.Format != "cpython" {
			yes := len(files[p.Name]) > 0
			sp.FilesAnalyzed = &yes
			if yes {
				sp.Verification = &verificationCode{verification(files[p.Name])}
			}
			doc.Relationships = append(doc.Relationships, relationship{Related: id, Type: "DESCRIBES", Element: "SPDXRef-DOCUMENT"})
		}
		doc.Packages = append(doc.Packages, sp)
		for _, f := range files[p.Name] {
			fid := spdxID("SPDXRef-FILE-" + f.Path)
			doc.Files = append(doc.Files, spdxFile{SPDXID: fid, FileName: f.Path, Checksums: []checksum{{"SHA1", f.SHA1}, {"SHA256", f.SHA256}}})
			doc.Relationships = append(doc.Relationships, relationship{Related: fid, Type: "CONTAINS", Element: id})
		}
	}
	if m.Format != "cpython" {
		doc.Name, doc.DataLicense = d.Name, "CC0-1.0"
		doc.CreationInfo = &creationInfo{Created: d.Created, Creators: []string{"Tool: pysbom"}}
		sum := sha256.Sum256(m.Write())
		doc.DocumentNamespace = "https://spdx.org/spdxdocs/pysbom-source/" + spdxID(d.Name) + "-" + hex.EncodeToString(sum[:8])
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func orNoAssertion(s string) string {
	if s == "" {
		return "NOASSERTION"
	}
	return s
}

// recorded is what an SPDX document on disk says.
type recorded struct {
	doc    document
	byPath map[string]spdxFile // file name -> entry
	owner  map[string]string   // file name -> package name
}

// readRecorded parses an SPDX JSON document of the CPython shape (any
// SPDX 2.3 JSON with files and CONTAINS relationships).
func readRecorded(data []byte) (*recorded, error) {
	r := &recorded{byPath: map[string]spdxFile{}, owner: map[string]string{}}
	if err := json.Unmarshal(data, &r.doc); err != nil {
		return nil, err
	}
	doc := r.doc
	nameOf := map[string]string{}
	for _, p := range doc.Packages {
		nameOf[p.SPDXID] = p.Name
	}
	pathOf := map[string]string{}
	for _, f := range doc.Files {
		r.byPath[f.FileName] = f
		pathOf[f.SPDXID] = f.FileName
	}
	for _, rel := range doc.Relationships {
		if rel.Type == "CONTAINS" && nameOf[rel.Element] != "" && pathOf[rel.Related] != "" {
			r.owner[pathOf[rel.Related]] = nameOf[rel.Element]
		}
	}
	return r, nil
}

func (f spdxFile) sum(alg string) string {
	for _, c := range f.Checksums {
		if strings.EqualFold(c.Algorithm, alg) {
			return c.Value
		}
	}
	return ""
}

// Import builds a manifest from a CPython-style SBOM: the curated package
// fields, and for each package an include glob over the folder its files
// share, with the tree's other files there excluded.
func Import(data []byte, sbomPath string, treeFiles []string) (*Manifest, error) {
	rec, err := readRecorded(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sbomPath, err)
	}
	return importRecorded(rec, sbomPath, treeFiles), nil
}

// importRecorded is Import of a document already read.
func importRecorded(rec *recorded, sbomPath string, treeFiles []string) *Manifest {
	doc := rec.doc
	m := &Manifest{SPDX: sbomPath}
	if doc.CreationInfo == nil {
		m.Format = "cpython"
	}
	for _, sp := range doc.Packages {
		p := Package{Name: sp.Name, Version: sp.VersionInfo, Originator: sp.Originator, Supplier: sp.Supplier,
			License: sp.LicenseConcluded, Purpose: sp.Purpose}
		if sp.DownloadLocation != "NOASSERTION" {
			p.DownloadURL = sp.DownloadLocation
		}
		for _, c := range sp.Checksums {
			if c.Algorithm == "SHA256" {
				p.SHA256 = c.Value
			}
		}
		for _, r := range sp.ExternalRefs {
			switch r.Type {
			case "cpe23Type":
				p.CPE = append(p.CPE, r.Locator)
			case "purl":
				p.PURL = append(p.PURL, r.Locator)
			}
		}
		var mine []string
		for path, owner := range rec.owner {
			if owner == sp.Name {
				mine = append(mine, path)
			}
		}
		if dir := commonDir(mine); dir != "" {
			p.Include = []string{dir + "/**"}
			own := map[string]bool{}
			for _, f := range mine {
				own[f] = true
			}
			for _, f := range treeFiles {
				if strings.HasPrefix(f, dir+"/") && !own[f] {
					p.Exclude = append(p.Exclude, f)
				}
			}
		} else {
			p.Include = mine
		}
		m.Packages = append(m.Packages, p)
	}
	return m
}

// commonDir is the deepest folder holding all paths ("" when none).
func commonDir(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	dir := strings.Split(paths[0], "/")
	dir = dir[:len(dir)-1]
	for _, p := range paths[1:] {
		segs := strings.Split(p, "/")
		n := 0
		for n < len(dir) && n < len(segs)-1 && dir[n] == segs[n] {
			n++
		}
		dir = dir[:n]
	}
	return strings.Join(dir, "/")
}

// verification is SPDX's package verification code: the SHA-1 of the
// sorted SHA-1s of the package's files.
func verification(files []File) string {
	sums := make([]string, 0, len(files))
	for _, f := range files {
		sums = append(sums, f.SHA1)
	}
	sort.Strings(sums)
	s := sha1.Sum([]byte(strings.Join(sums, "")))
	return hex.EncodeToString(s[:])
}

// Created returns the creation time of an existing document, so that an
// update that changes nothing else changes nothing.
func Created(data []byte) string {
	var doc document
	if json.Unmarshal(data, &doc) != nil || doc.CreationInfo == nil {
		return ""
	}
	return doc.CreationInfo.Created
}
