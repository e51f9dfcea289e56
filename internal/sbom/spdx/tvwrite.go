package spdx

import (
	"bufio"
	"io"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// EncodeTagValue writes inv as an SPDX 2.3 tag-value document: the
// document Encode writes as JSON, in the tag-value format's order (the
// creation information, then each package followed by its files, the
// extracted licenses and the relationships). TagValueToJSON reads it back
// to the JSON document, with the packages' files also listed in hasFiles
// (in tag-value, the files after a package are its files).
//
// A value that spans lines or starts or ends with white space is written
// as <text>...</text>; tag-value cannot carry a value that itself
// contains "</text>", so that sequence is written as "</ text>".
func EncodeTagValue(w io.Writer, inv *inventory.Inventory, opt Options) error {
	doc, err := build(inv, opt)
	if err != nil {
		return err
	}
	t := &tvWriter{w: bufio.NewWriterSize(w, 256<<10)}
	t.tag("SPDXVersion", doc.SPDXVersion)
	t.tag("DataLicense", doc.DataLicense)
	t.tag("SPDXID", doc.SPDXID)
	t.tag("DocumentName", doc.Name)
	t.tag("DocumentNamespace", doc.DocumentNamespace)
	for _, c := range doc.CreationInfo.Creators {
		t.tag("Creator", c)
	}
	t.tag("Created", doc.CreationInfo.Created)
	t.tag("LicenseListVersion", doc.CreationInfo.LicenseListVersion)
	for _, p := range doc.Packages {
		t.blank()
		t.pkg(p)
		for _, i := range p.files {
			t.blank()
			t.file(doc.Files[i])
		}
	}
	for _, l := range doc.ExtractedLicenses {
		t.blank()
		t.tag("LicenseID", l.LicenseID)
		t.tag("ExtractedText", l.ExtractedText)
		t.opt("LicenseName", l.Name)
		t.opt("LicenseComment", l.Comment)
	}
	t.blank()
	for _, r := range doc.Relationships {
		t.tag("Relationship", r.Element+" "+r.Type+" "+r.Related)
	}
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

type tvWriter struct {
	w   *bufio.Writer
	err error
}

func (t *tvWriter) raw(s string) {
	if t.err == nil {
		_, t.err = t.w.WriteString(s)
	}
}

func (t *tvWriter) blank() { t.raw("\n") }

// tag writes "Tag: value", or the value as <text> when a plain line would
// not carry it unchanged.
func (t *tvWriter) tag(tag, v string) {
	t.raw(tag)
	t.raw(": ")
	if strings.ContainsAny(v, "\r\n") || v != strings.TrimSpace(v) || strings.HasPrefix(v, "<text>") {
		t.raw("<text>")
		t.raw(strings.ReplaceAll(v, "</text>", "</ text>"))
		t.raw("</text>\n")
		return
	}
	t.raw(v)
	t.raw("\n")
}

// opt writes a tag whose empty value is left out.
func (t *tvWriter) opt(tag, v string) {
	if v != "" {
		t.tag(tag, v)
	}
}

func (t *tvWriter) pkg(p pkg) {
	t.tag("PackageName", p.Name)
	t.tag("SPDXID", p.SPDXID)
	t.opt("PackageVersion", p.VersionInfo)
	t.opt("PackageSupplier", p.Supplier)
	t.opt("PackageOriginator", p.Originator)
	t.tag("PackageDownloadLocation", p.DownloadLocation)
	if p.FilesAnalyzed {
		t.tag("FilesAnalyzed", "true")
	} else {
		t.tag("FilesAnalyzed", "false")
	}
	if p.VerificationCode != nil {
		t.tag("PackageVerificationCode", p.VerificationCode.Value)
	}
	for _, c := range p.Checksums {
		t.tag("PackageChecksum", c.Algorithm+": "+c.Value)
	}
	t.opt("PackageHomePage", p.Homepage)
	t.tag("PackageLicenseConcluded", p.LicenseConcluded)
	t.tag("PackageLicenseDeclared", p.LicenseDeclared)
	t.opt("PackageLicenseComments", p.LicenseComments)
	t.tag("PackageCopyrightText", p.CopyrightText)
	t.opt("PackageSummary", p.Summary)
	t.opt("PackageComment", p.Comment)
	for _, r := range p.ExternalRefs {
		t.tag("ExternalRef", r.Category+" "+r.Type+" "+r.Locator)
		t.opt("ExternalRefComment", r.Comment)
	}
	t.opt("PrimaryPackagePurpose", p.Purpose)
	for _, a := range p.Annotations {
		t.tag("Annotator", a.Annotator)
		t.tag("AnnotationDate", a.Date)
		t.tag("AnnotationType", a.Type)
		t.tag("SPDXREF", p.SPDXID)
		t.tag("AnnotationComment", a.Comment)
	}
}

func (t *tvWriter) file(f file) {
	t.tag("FileName", f.FileName)
	t.tag("SPDXID", f.SPDXID)
	for _, c := range f.Checksums {
		t.tag("FileChecksum", c.Algorithm+": "+c.Value)
	}
	t.tag("LicenseConcluded", f.LicenseConcluded)
	t.tag("FileCopyrightText", f.CopyrightText)
	t.opt("FileComment", f.Comment)
}
