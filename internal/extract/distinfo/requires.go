package distinfo

import (
	"strings"
)

// requiresTxt converts setuptools' requires.txt (an egg-info file) into
// Requires-Dist strings. Sections are "[extra]", "[:marker]" or
// "[extra:marker]"; requirements before any section are unconditional.
func requiresTxt(text string) []string {
	var out []string
	extra, marker := "", ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section := line[1 : len(line)-1]
			extra, marker, _ = strings.Cut(section, ":")
			extra, marker = strings.TrimSpace(extra), strings.TrimSpace(marker)
			continue
		}
		var conds []string
		if marker != "" {
			conds = append(conds, "("+marker+")")
		}
		if extra != "" {
			conds = append(conds, `extra == "`+extra+`"`)
		}
		req := line
		if len(conds) > 0 {
			if strings.Contains(req, ";") {
				r, m, _ := strings.Cut(req, ";")
				req = strings.TrimSpace(r)
				conds = append([]string{"(" + strings.TrimSpace(m) + ")"}, conds...)
			}
			req += "; " + strings.Join(conds, " and ")
		}
		out = append(out, req)
	}
	return out
}
