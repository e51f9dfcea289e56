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
	if f, ok := fieldTags[tag]; ok {
		m := c.in(f.sections...)
		if m == nil {
			return fmt.Errorf("%s outside the section it belongs to", tag)
		}
		if f.list {
			appendTo(m, f.key, v)
		} else {
			m[f.key] = v
		}
		return nil
	}
	if h, ok := tagHandlers[tag]; ok {
		return h(c, tag, v)
	}
	return fmt.Errorf("unknown tag %s", tag)
}

// fieldTag is a tag whose value goes as it is into a field of the section
// it belongs to: a string, or one more item of a list.
type fieldTag struct {
	sections []string // "package", "file", "snippet", "license"
	key      string   // the JSON field
	list     bool
}

// fieldTags are the tags that are one field each.
var fieldTags = func() map[string]fieldTag {
	m := map[string]fieldTag{}
	one := func(section string, list bool, pairs ...string) {
		for i := 0; i < len(pairs); i += 2 {
			m[pairs[i]] = fieldTag{sections: []string{section}, key: pairs[i+1], list: list}
		}
	}
	one("package", false, "PackageVersion", "versionInfo", "PackageFileName", "packageFileName", "PackageSupplier", "supplier",
		"PackageOriginator", "originator", "PackageDownloadLocation", "downloadLocation", "PackageHomePage", "homepage",
		"PackageSourceInfo", "sourceInfo", "PackageLicenseConcluded", "licenseConcluded", "PackageLicenseDeclared", "licenseDeclared",
		"PackageLicenseComments", "licenseComments", "PackageCopyrightText", "copyrightText", "PackageSummary", "summary",
		"PackageDescription", "description", "PackageComment", "comment", "PrimaryPackagePurpose", "primaryPackagePurpose",
		"ReleaseDate", "releaseDate", "BuiltDate", "builtDate", "ValidUntilDate", "validUntilDate")
	one("package", true, "PackageLicenseInfoFromFiles", "licenseInfoFromFiles", "PackageAttributionText", "attributionTexts")
	one("file", false, "LicenseConcluded", "licenseConcluded", "FileCopyrightText", "copyrightText", "FileComment", "comment",
		"FileNotice", "noticeText")
	one("file", true, "FileType", "fileTypes", "LicenseInfoInFile", "licenseInfoInFiles", "FileContributor", "fileContributors",
		"FileAttributionText", "attributionTexts")
	one("snippet", false, "SnippetFromFileSPDXID", "snippetFromFile", "SnippetLicenseConcluded", "licenseConcluded",
		"SnippetLicenseComments", "licenseComments", "SnippetCopyrightText", "copyrightText", "SnippetComment", "comment",
		"SnippetName", "name")
	one("snippet", true, "LicenseInfoInSnippet", "licenseInfoInSnippets", "SnippetAttributionText", "attributionTexts")
	one("license", false, "ExtractedText", "extractedText", "LicenseName", "name", "LicenseComment", "comment")
	one("license", true, "LicenseCrossReference", "seeAlsos")
	m["LicenseComments"] = fieldTag{sections: []string{"file", "snippet"}, key: "licenseComments"}
	return m
}()

// tagHandlers are the tags that start a section or need more than one
// field.
var tagHandlers = map[string]func(c *tvConverter, tag, v string) error{
	"SPDXVersion":       docField("spdxVersion"),
	"DataLicense":       docField("dataLicense"),
	"DocumentName":      docField("name"),
	"DocumentNamespace": docField("documentNamespace"),
	"DocumentComment":   docField("comment"),
	"ExternalDocumentRef": func(c *tvConverter, tag, v string) error {
		f := strings.Fields(v)
		if len(f) < 4 {
			return fmt.Errorf("ExternalDocumentRef %q is not \"DocumentRef-x URI ALGORITHM: value\"", v)
		}
		cs, err := tvChecksum(strings.Join(f[2:], " "))
		if err != nil {
			return err
		}
		appendTo(c.doc, "externalDocumentRefs", map[string]any{"externalDocumentId": f[0], "spdxDocument": f[1], "checksum": cs})
		return nil
	},
	"Creator":            tvCreationInfo("creators", true),
	"Created":            tvCreationInfo("created", false),
	"CreatorComment":     tvCreationInfo("comment", false),
	"LicenseListVersion": tvCreationInfo("licenseListVersion", false),
	"SPDXID": func(c *tvConverter, tag, v string) error {
		if c.cur == nil {
			c.doc["SPDXID"] = v
		} else {
			c.cur["SPDXID"] = v
		}
		return nil
	},
	"PackageName": func(c *tvConverter, tag, v string) error {
		p := map[string]any{"name": v}
		c.start("package", "packages", p)
		c.lastPackage = p
		return nil
	},
	"FilesAnalyzed": func(c *tvConverter, tag, v string) error {
		pkg := c.in("package")
		if pkg == nil {
			return fmt.Errorf("FilesAnalyzed outside a package")
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("FilesAnalyzed %q is not true or false", v)
		}
		pkg["filesAnalyzed"] = b
		return nil
	},
	"PackageVerificationCode": func(c *tvConverter, tag, v string) error {
		pkg := c.in("package")
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
		return nil
	},
	"PackageChecksum": tvChecksumTag("package"),
	"FileChecksum":    tvChecksumTag("file"),
	"ExternalRef": func(c *tvConverter, tag, v string) error {
		pkg := c.in("package")
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
		return nil
	},
	"ExternalRefComment": func(c *tvConverter, tag, v string) error {
		if c.lastRef == nil {
			return fmt.Errorf("ExternalRefComment without an ExternalRef")
		}
		c.lastRef["comment"] = v
		return nil
	},
	"FileName": func(c *tvConverter, tag, v string) error {
		f := map[string]any{"fileName": v}
		c.start("file", "files", f)
		if c.lastPackage != nil {
			appendTo(c.lastPackage, "hasFiles", f) // replaced by its SPDXID in finish
		}
		return nil
	},
	"SnippetSPDXID": func(c *tvConverter, tag, v string) error {
		c.start("snippet", "snippets", map[string]any{"SPDXID": v})
		return nil
	},
	"SnippetByteRange": snippetRange("offset"),
	"SnippetLineRange": snippetRange("lineNumber"),
	"LicenseID": func(c *tvConverter, tag, v string) error {
		c.start("license", "hasExtractedLicensingInfos", map[string]any{"licenseId": v})
		return nil
	},
	"Relationship": func(c *tvConverter, tag, v string) error {
		f := strings.Fields(v)
		if len(f) != 3 {
			return fmt.Errorf("Relationship %q is not \"ELEMENT TYPE ELEMENT\"", v)
		}
		rel := map[string]any{"spdxElementId": f[0], "relationshipType": f[1], "relatedSpdxElement": f[2]}
		appendTo(c.doc, "relationships", rel)
		c.lastRel = rel
		return nil
	},
	"RelationshipComment": func(c *tvConverter, tag, v string) error {
		if c.lastRel == nil {
			return fmt.Errorf("RelationshipComment without a Relationship")
		}
		c.lastRel["comment"] = v
		return nil
	},
	"Annotator": func(c *tvConverter, tag, v string) error {
		c.annotations = append(c.annotations, map[string]any{"annotator": v})
		return nil
	},
	"AnnotationDate":    tvAnnotation("annotationDate"),
	"AnnotationType":    tvAnnotation("annotationType"),
	"AnnotationComment": tvAnnotation("comment"),
	"SPDXREF":           tvAnnotation("spdxref"),
	// SPDX 1.x review information: deprecated and not in the JSON format.
	"Reviewer":      ignoreTag,
	"ReviewDate":    ignoreTag,
	"ReviewComment": ignoreTag,
}

func ignoreTag(*tvConverter, string, string) error { return nil }

func docField(key string) func(*tvConverter, string, string) error {
	return func(c *tvConverter, _, v string) error {
		c.doc[key] = v
		return nil
	}
}

func tvCreationInfo(key string, list bool) func(*tvConverter, string, string) error {
	return func(c *tvConverter, _, v string) error {
		ci, _ := c.doc["creationInfo"].(map[string]any)
		if ci == nil {
			ci = map[string]any{}
		}
		if list {
			appendTo(ci, key, v)
		} else {
			ci[key] = v
		}
		c.doc["creationInfo"] = ci
		return nil
	}
}

func tvChecksumTag(section string) func(*tvConverter, string, string) error {
	return func(c *tvConverter, tag, v string) error {
		m := c.in(section)
		if m == nil {
			return fmt.Errorf("%s outside its section", tag)
		}
		cs, err := tvChecksum(v)
		if err != nil {
			return err
		}
		appendTo(m, "checksums", cs)
		return nil
	}
}

func snippetRange(key string) func(*tvConverter, string, string) error {
	return func(c *tvConverter, tag, v string) error {
		snip := c.in("snippet")
		if snip == nil {
			return fmt.Errorf("%s outside a snippet", tag)
		}
		a, b, ok := strings.Cut(v, ":")
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("%s %q is not \"start:end\"", tag, v)
		}
		ref, _ := snip["snippetFromFile"].(string)
		appendTo(snip, "ranges", map[string]any{
			"startPointer": map[string]any{key: start, "reference": ref},
			"endPointer":   map[string]any{key: end, "reference": ref},
		})
		return nil
	}
}

func tvAnnotation(key string) func(*tvConverter, string, string) error {
	return func(c *tvConverter, tag, v string) error {
		if len(c.annotations) == 0 {
			return fmt.Errorf("%s without an Annotator", tag)
		}
		c.annotations[len(c.annotations)-1][key] = v
		return nil
	}
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
