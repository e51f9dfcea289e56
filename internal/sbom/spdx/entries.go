package spdx

import "github.com/pysbom/pysbom/internal/jsonstr"

// appendFile appends a file entry as encoding/json would indent it at
// depth 2 (inside "files": [...]).
func appendFile(b []byte, f file) []byte {
	b = append(b, "{\n      \"SPDXID\": "...)
	b = jsonstr.Append(b, f.SPDXID)
	b = append(b, ",\n      \"fileName\": "...)
	b = jsonstr.Append(b, f.FileName)
	b = append(b, ",\n      \"checksums\": ["...)
	for i, c := range f.Checksums {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n        {\n          \"algorithm\": "...)
		b = jsonstr.Append(b, c.Algorithm)
		b = append(b, ",\n          \"checksumValue\": "...)
		b = jsonstr.Append(b, c.Value)
		b = append(b, "\n        }"...)
	}
	if len(f.Checksums) > 0 {
		b = append(b, "\n      "...)
	}
	b = append(b, "],\n      \"licenseConcluded\": "...)
	b = jsonstr.Append(b, f.LicenseConcluded)
	b = append(b, ",\n      \"copyrightText\": "...)
	b = jsonstr.Append(b, f.CopyrightText)
	if f.Comment != "" {
		b = append(b, ",\n      \"comment\": "...)
		b = jsonstr.Append(b, f.Comment)
	}
	return append(b, "\n    }"...)
}

// appendRelationship appends a relationship entry at depth 2.
func appendRelationship(b []byte, r relationship) []byte {
	b = append(b, "{\n      \"spdxElementId\": "...)
	b = jsonstr.Append(b, r.Element)
	b = append(b, ",\n      \"relationshipType\": "...)
	b = jsonstr.Append(b, r.Type)
	b = append(b, ",\n      \"relatedSpdxElement\": "...)
	b = jsonstr.Append(b, r.Related)
	return append(b, "\n    }"...)
}
