package spdx

import (
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it with HTML escaping off: control characters escaped, invalid
// UTF-8 replaced by U+FFFD, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFile appends a file entry as encoding/json would indent it at
// depth 2 (inside "files": [...]).
func appendFile(b []byte, f file) []byte {
	b = append(b, "{\n      \"SPDXID\": "...)
	b = appendJSONString(b, f.SPDXID)
	b = append(b, ",\n      \"fileName\": "...)
	b = appendJSONString(b, f.FileName)
	b = append(b, ",\n      \"checksums\": ["...)
	for i, c := range f.Checksums {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n        {\n          \"algorithm\": "...)
		b = appendJSONString(b, c.Algorithm)
		b = append(b, ",\n          \"checksumValue\": "...)
		b = appendJSONString(b, c.Value)
		b = append(b, "\n        }"...)
	}
	if len(f.Checksums) > 0 {
		b = append(b, "\n      "...)
	}
	b = append(b, "],\n      \"licenseConcluded\": "...)
	b = appendJSONString(b, f.LicenseConcluded)
	b = append(b, ",\n      \"copyrightText\": "...)
	b = appendJSONString(b, f.CopyrightText)
	if f.Comment != "" {
		b = append(b, ",\n      \"comment\": "...)
		b = appendJSONString(b, f.Comment)
	}
	return append(b, "\n    }"...)
}

// appendRelationship appends a relationship entry at depth 2.
func appendRelationship(b []byte, r relationship) []byte {
	b = append(b, "{\n      \"spdxElementId\": "...)
	b = appendJSONString(b, r.Element)
	b = append(b, ",\n      \"relationshipType\": "...)
	b = appendJSONString(b, r.Type)
	b = append(b, ",\n      \"relatedSpdxElement\": "...)
	b = appendJSONString(b, r.Related)
	return append(b, "\n    }"...)
}
