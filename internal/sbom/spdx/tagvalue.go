package spdx

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TagValueError reports a malformed tag-value document; Line is 1-based.
type TagValueError struct {
	Line int
	Msg  string
}

func (e *TagValueError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// IsTagValue reports whether data looks like an SPDX tag-value document.
func IsTagValue(data []byte) bool {
	head := bytes.TrimLeft(data[:min(len(data), 4096)], " \t\r\n\ufeff")
	for len(head) > 0 && head[0] == '#' {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			return false
		}
		head = bytes.TrimLeft(head[i+1:], " \t\r\n")
	}
	return bytes.HasPrefix(head, []byte("SPDXVersion:"))
}

// TagValueToJSON converts an SPDX 2.x tag-value document into the
// structure of the SPDX JSON format, so that it can be validated against
// the JSON schema and decoded like a JSON document. Files that follow a
// package belong to it (hasFiles), as the tag-value format specifies.
func TagValueToJSON(r io.Reader) (map[string]any, error) {
	c := &tvConverter{doc: map[string]any{}}
	sc := bufio.NewScanner(io.LimitReader(r, MaxDecodeSize))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	sc.Split(scanLines)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		tag, value, ok := strings.Cut(text, ":")
		if !ok || strings.ContainsAny(tag, " \t") {
			return nil, &TagValueError{line, fmt.Sprintf("expected \"Tag: value\", found %q", clip(text))}
		}
		value = strings.TrimSpace(value)
		start := line
		if rest, ok := strings.CutPrefix(value, "<text>"); ok {
			// A <text> value may run over several lines until </text>;
			// each line is searched once.
			if before, _, closed := strings.Cut(rest, "</text>"); closed {
				value = before
			} else {
				var b strings.Builder
				b.WriteString(rest)
				for {
					if !sc.Scan() {
						return nil, &TagValueError{start, fmt.Sprintf("%s: <text> is not closed by </text>", tag)}
					}
					line++
					b.WriteByte('\n')
					if before, _, closed := strings.Cut(sc.Text(), "</text>"); closed {
						b.WriteString(before)
						break
					}
					b.WriteString(sc.Text())
				}
				value = b.String()
			}
		}
		if err := c.tag(tag, value); err != nil {
			return nil, &TagValueError{start, err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &TagValueError{line + 1, err.Error()}
	}
	if c.doc["spdxVersion"] == nil {
		return nil, &TagValueError{1, "no SPDXVersion tag"}
	}
	c.finish()
	return c.doc, nil
}

// scanLines splits lines ended by "\n", "\r\n" or a lone "\r" (old Mac
// files), without the line ending.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	i := bytes.IndexAny(data, "\r\n")
	switch {
	case i < 0 && atEOF && len(data) > 0:
		return len(data), data, nil
	case i < 0:
		return 0, nil, nil
	case data[i] == '\n':
		return i + 1, data[:i], nil
	case i+1 < len(data):
		if data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		return i + 1, data[:i], nil
	case atEOF:
		return i + 1, data[:i], nil
	}
	return 0, nil, nil // a "\r" at the end: is a "\n" next?
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

type tvConverter struct {
	doc         map[string]any
	cur         map[string]any // the package, file, snippet or license being read
	curKind     string
	lastPackage map[string]any
	annotations []map[string]any
	lastRel     map[string]any
	lastRef     map[string]any
}

func appendTo(m map[string]any, key string, v any) {
	l, _ := m[key].([]any)
	m[key] = append(l, v)
}

func (c *tvConverter) start(kind, key string, m map[string]any) {
	c.cur, c.curKind = m, kind
	appendTo(c.doc, key, m)
}

// checksum reads "SHA1: hex".
func tvChecksum(v string) (map[string]any, error) {
	algo, value, ok := strings.Cut(v, ":")
	if !ok {
		return nil, fmt.Errorf("checksum %q is not \"ALGORITHM: value\"", v)
	}
	return map[string]any{"algorithm": strings.TrimSpace(algo), "checksumValue": strings.TrimSpace(value)}, nil
}

func (c *tvConverter) in(kinds ...string) map[string]any {
	for _, k := range kinds {
		if c.curKind == k {
			return c.cur
		}
	}
	return nil
}

func (c *tvConverter) tag(tag, v string) error {
	doc := c.doc
	ci, _ := doc["creationInfo"].(map[string]any)
	if ci == nil {
		ci = map[string]any{}
	}
	set := func(m map[string]any, k string) error {
		if m == nil {
			return fmt.Errorf("%s outside the section it belongs to", tag)
		}
		m[k] = v
		return nil
	}
	add := func(m map[string]any, k string) error {
		if m == nil {
			return fmt.Errorf("%s outside the section it belongs to", tag)
		}
		appendTo(m, k, v)
		return nil
	}
	pkg, file, snip, lic := c.in("package"), c.in("file"), c.in("snippet"), c.in("license")
	switch tag {
	// Document and creation information.
	case "SPDXVersion":
		doc["spdxVersion"] = v
	case "DataLicense":
		doc["dataLicense"] = v
	case "DocumentName":
		doc["name"] = v
	case "DocumentNamespace":
		doc["documentNamespace"] = v
	case "DocumentComment":
		doc["comment"] = v
	case "ExternalDocumentRef":
		f := strings.Fields(v)
		if len(f) < 4 {
			return fmt.Errorf("ExternalDocumentRef %q is not \"DocumentRef-x URI ALGORITHM: value\"", v)
		}
		cs, err := tvChecksum(strings.Join(f[2:], " "))
		if err != nil {
			return err
		}
		appendTo(doc, "externalDocumentRefs", map[string]any{"externalDocumentId": f[0], "spdxDocument": f[1], "checksum": cs})
	case "Creator":
		appendTo(ci, "creators", v)
		doc["creationInfo"] = ci
	case "Created":
		ci["created"] = v
		doc["creationInfo"] = ci
	case "CreatorComment":
		ci["comment"] = v
		doc["creationInfo"] = ci
	case "LicenseListVersion":
		ci["licenseListVersion"] = v
		doc["creationInfo"] = ci
	case "SPDXID":
		switch {
		case c.cur == nil:
			doc["SPDXID"] = v
		default:
			c.cur["SPDXID"] = v
		}
	// Packages.
	case "PackageName":
		p := map[string]any{"name": v}
		c.start("package", "packages", p)
		c.lastPackage = p
	case "PackageVersion":
		return set(pkg, "versionInfo")
	case "PackageFileName":
		return set(pkg, "packageFileName")
	case "PackageSupplier":
		return set(pkg, "supplier")
	case "PackageOriginator":
		return set(pkg, "originator")
	case "PackageDownloadLocation":
		return set(pkg, "downloadLocation")
	case "FilesAnalyzed":
		if pkg == nil {
			return fmt.Errorf("FilesAnalyzed outside a package")
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("FilesAnalyzed %q is not true or false", v)
		}
		pkg["filesAnalyzed"] = b
	case "PackageVerificationCode":
		if pkg == nil {
			return fmt.Errorf("PackageVerificationCode outside a package")
		}
		code, rest, _ := strings.Cut(v, "(")
		vc := map[string]any{"packageVerificationCodeValue": strings.TrimSpace(code)}
		if ex := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), ")")); ex != "" {
			ex = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(ex, "excludes:"), "excludes"))
			vc["packageVerificationCodeExcludedFiles"] = []any{ex}
		}
		pkg["packageVerificationCode"] = vc
	case "PackageChecksum", "FileChecksum":
		m := pkg
		if tag == "FileChecksum" {
			m = file
		}
		if m == nil {
			return fmt.Errorf("%s outside its section", tag)
		}
		cs, err := tvChecksum(v)
		if err != nil {
			return err
		}
		appendTo(m, "checksums", cs)
	case "PackageHomePage":
		return set(pkg, "homepage")
	case "PackageSourceInfo":
		return set(pkg, "sourceInfo")
	case "PackageLicenseConcluded":
		return set(pkg, "licenseConcluded")
	case "PackageLicenseInfoFromFiles":
		return add(pkg, "licenseInfoFromFiles")
	case "PackageLicenseDeclared":
		return set(pkg, "licenseDeclared")
	case "PackageLicenseComments":
		return set(pkg, "licenseComments")
	case "PackageCopyrightText":
		return set(pkg, "copyrightText")
	case "PackageSummary":
		return set(pkg, "summary")
	case "PackageDescription":
		return set(pkg, "description")
	case "PackageComment":
		return set(pkg, "comment")
	case "PackageAttributionText":
		return add(pkg, "attributionTexts")
	case "PrimaryPackagePurpose":
		return set(pkg, "primaryPackagePurpose")
	case "ReleaseDate":
		return set(pkg, "releaseDate")
	case "BuiltDate":
		return set(pkg, "builtDate")
	case "ValidUntilDate":
		return set(pkg, "validUntilDate")
	case "ExternalRef":
		if pkg == nil {
			return fmt.Errorf("ExternalRef outside a package")
		}
		f := strings.Fields(v)
		if len(f) != 3 {
			return fmt.Errorf("ExternalRef %q is not \"CATEGORY TYPE LOCATOR\"", v)
		}
		ref := map[string]any{"referenceCategory": strings.ReplaceAll(f[0], "_", "-"), "referenceType": f[1], "referenceLocator": f[2]}
		appendTo(pkg, "externalRefs", ref)
		c.lastRef = ref
	case "ExternalRefComment":
		if c.lastRef == nil {
			return fmt.Errorf("ExternalRefComment without an ExternalRef")
		}
		c.lastRef["comment"] = v
	// Files.
	case "FileName":
		f := map[string]any{"fileName": v}
		c.start("file", "files", f)
		if c.lastPackage != nil {
			appendTo(c.lastPackage, "hasFiles", f) // replaced by its SPDXID in finish
		}
	case "FileType":
		return add(file, "fileTypes")
	case "LicenseConcluded":
		return set(file, "licenseConcluded")
	case "LicenseInfoInFile":
		return add(file, "licenseInfoInFiles")
	case "LicenseComments":
		return set(c.in("file", "snippet"), "licenseComments")
	case "FileCopyrightText":
		return set(file, "copyrightText")
	case "FileComment":
		return set(file, "comment")
	case "FileNotice":
		return set(file, "noticeText")
	case "FileContributor":
		return add(file, "fileContributors")
	case "FileAttributionText":
		return add(file, "attributionTexts")
	// Snippets.
	case "SnippetSPDXID":
		c.start("snippet", "snippets", map[string]any{"SPDXID": v})
	case "SnippetFromFileSPDXID":
		return set(snip, "snippetFromFile")
	case "SnippetByteRange", "SnippetLineRange":
		if snip == nil {
			return fmt.Errorf("%s outside a snippet", tag)
		}
		a, b, ok := strings.Cut(v, ":")
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("%s %q is not \"start:end\"", tag, v)
		}
		key := "offset"
		if tag == "SnippetLineRange" {
			key = "lineNumber"
		}
		ref, _ := snip["snippetFromFile"].(string)
		appendTo(snip, "ranges", map[string]any{
			"startPointer": map[string]any{key: start, "reference": ref},
			"endPointer":   map[string]any{key: end, "reference": ref},
		})
	case "SnippetLicenseConcluded":
		return set(snip, "licenseConcluded")
	case "LicenseInfoInSnippet":
		return add(snip, "licenseInfoInSnippets")
	case "SnippetLicenseComments":
		return set(snip, "licenseComments")
	case "SnippetCopyrightText":
		return set(snip, "copyrightText")
	case "SnippetComment":
		return set(snip, "comment")
	case "SnippetName":
		return set(snip, "name")
	case "SnippetAttributionText":
		return add(snip, "attributionTexts")
	// Other licensing information.
	case "LicenseID":
		c.start("license", "hasExtractedLicensingInfos", map[string]any{"licenseId": v})
	case "ExtractedText":
		return set(lic, "extractedText")
	case "LicenseName":
		return set(lic, "name")
	case "LicenseCrossReference":
		return add(lic, "seeAlsos")
	case "LicenseComment":
		return set(lic, "comment")
	// Relationships and annotations.
	case "Relationship":
		f := strings.Fields(v)
		if len(f) != 3 {
			return fmt.Errorf("Relationship %q is not \"ELEMENT TYPE ELEMENT\"", v)
		}
		rel := map[string]any{"spdxElementId": f[0], "relationshipType": f[1], "relatedSpdxElement": f[2]}
		appendTo(doc, "relationships", rel)
		c.lastRel = rel
	case "RelationshipComment":
		if c.lastRel == nil {
			return fmt.Errorf("RelationshipComment without a Relationship")
		}
		c.lastRel["comment"] = v
	case "Annotator":
		c.annotations = append(c.annotations, map[string]any{"annotator": v})
	case "AnnotationDate", "AnnotationType", "AnnotationComment", "SPDXREF":
		if len(c.annotations) == 0 {
			return fmt.Errorf("%s without an Annotator", tag)
		}
		key := map[string]string{"AnnotationDate": "annotationDate", "AnnotationType": "annotationType", "AnnotationComment": "comment", "SPDXREF": "spdxref"}[tag]
		c.annotations[len(c.annotations)-1][key] = v
	case "Reviewer", "ReviewDate", "ReviewComment":
		// SPDX 1.x review information; deprecated and not in the JSON format.
	default:
		return fmt.Errorf("unknown tag %s", tag)
	}
	return nil
}

// finish replaces file placeholders by IDs and attaches annotations to
// the elements they name.
func (c *tvConverter) finish() {
	for _, p := range listOf(c.doc["packages"]) {
		pm := p.(map[string]any)
		var ids []any
		for _, f := range listOf(pm["hasFiles"]) {
			if id, ok := f.(map[string]any)["SPDXID"]; ok {
				ids = append(ids, id)
			}
		}
		if ids != nil {
			pm["hasFiles"] = ids
		} else {
			delete(pm, "hasFiles")
		}
	}
	elements := map[string]map[string]any{}
	for _, sec := range []string{"packages", "files", "snippets"} {
		for _, e := range listOf(c.doc[sec]) {
			m := e.(map[string]any)
			if id, ok := m["SPDXID"].(string); ok {
				elements[id] = m
			}
		}
	}
	for _, a := range c.annotations {
		ref, _ := a["spdxref"].(string)
		delete(a, "spdxref")
		if e, ok := elements[ref]; ok {
			appendTo(e, "annotations", a)
		} else {
			appendTo(c.doc, "annotations", a)
		}
	}
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}
