package cpython

import (
	"regexp"
	"strconv"
	"strings"
)

// buildVars are the sysconfig variables kept as properties of CPython:
// how it was configured and compiled.
var buildVars = []string{"CONFIG_ARGS", "CC", "OPT", "CONFIGURE_CFLAGS", "CONFIGURE_LDFLAGS", "LDFLAGS", "HOST_GNU_TYPE", "MULTIARCH", "SOABI", "Py_ENABLE_SHARED", "Py_DEBUG"}

var varRE = regexp.MustCompile(`(?m)(?:^|[{,])\s*'([A-Za-z_][A-Za-z0-9_]*)':\s*`)

// parseSysconfig reads the build_time_vars dictionary of a
// _sysconfigdata_*.py file as text (it is never imported): each
// 'NAME': value entry, where a value is an integer or adjacent string
// literals, possibly over several lines.
func parseSysconfig(src string) map[string]string {
	out := map[string]string{}
	for _, m := range varRE.FindAllStringSubmatchIndex(src, -1) {
		name := src[m[2]:m[3]]
		rest := src[m[1]:]
		if v, ok := literal(rest); ok {
			out[name] = v
		}
	}
	return out
}

// literal reads an integer or a run of adjacent Python string literals
// (single or double quoted, with backslash escapes) at the start of s.
func literal(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t")
	if s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		end := strings.IndexAny(s, ",}\n")
		if end < 0 {
			end = len(s)
		}
		return strings.TrimSpace(s[:end]), true
	}
	var b strings.Builder
	found := false
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" || s[0] != '\'' && s[0] != '"' {
			return b.String(), found
		}
		q := s[0]
		i := 1
		for ; i < len(s) && s[i] != q; i++ {
			if s[i] == '\\' {
				i++
			}
		}
		if i >= len(s) {
			return b.String(), found
		}
		raw := s[:i+1]
		if q == '\'' { // strconv.Unquote wants double quotes for strings
			raw = `"` + strings.ReplaceAll(strings.ReplaceAll(raw[1:len(raw)-1], `\'`, `'`), `"`, `\"`) + `"`
		}
		v, err := strconv.Unquote(raw)
		if err != nil {
			v = raw[1 : len(raw)-1]
		}
		b.WriteString(v)
		found = true
		s = s[i+1:]
	}
}
