// Package glob matches slash-separated paths against globs: path.Match
// within a segment, and "**" for any number of segments, as .gitignore,
// the source manifest's include/exclude and audit --exclude write them.
package glob

import (
	"path"
	"strings"
)

// Match reports whether path p matches glob g ("Modules/expat/**",
// "**/tests/*.so"). A malformed glob matches nothing.
func Match(g, p string) bool {
	return matchSegs(strings.Split(g, "/"), strings.Split(p, "/"))
}

func matchSegs(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			if len(g) == 1 {
				return true
			}
			for i := 0; i <= len(p); i++ {
				if matchSegs(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, err := path.Match(g[0], p[0]); err != nil || !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}

// Valid reports whether g is a glob Match can use.
func Valid(g string) bool {
	for _, seg := range strings.Split(g, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return false
		}
	}
	return g != ""
}
