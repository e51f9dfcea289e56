package source

import (
	"bufio"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ignoreRule is one line of a .gitignore file.
type ignoreRule struct {
	base     string // the folder of the .gitignore, slash path relative to the tree ("" for the root)
	pattern  string
	negate   bool
	dirOnly  bool
	anchored bool // the pattern has a slash before its end: relative to base
}

// gitignore holds the rules of the .gitignore files that apply to the
// globs' folders: the tree's root, the folders down to them and the
// folders under them. Generated files that git would not track (as
// CPython's generate_sbom.py asks git check-ignore) are left out.
type gitignore struct {
	rules []ignoreRule
	read  map[string]bool
}

// load reads dir's .gitignore (dir is a slash path relative to root).
func (g *gitignore) load(root, dir string) {
	if g.read == nil {
		g.read = map[string]bool{}
	}
	if g.read[dir] {
		return
	}
	g.read[dir] = true
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(dir), ".gitignore"))
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{base: dir}
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, line[1:]
		} else if strings.HasPrefix(line, `\`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		if strings.Contains(line, "/") {
			r.anchored, line = true, strings.TrimPrefix(line, "/")
		}
		if line == "" {
			continue
		}
		r.pattern = line
		g.rules = append(g.rules, r)
	}
}

// loadAncestors reads the .gitignore files from the root down to dir.
func (g *gitignore) loadAncestors(root, dir string) {
	g.load(root, "")
	if dir == "" {
		return
	}
	parts := strings.Split(dir, "/")
	for i := 1; i <= len(parts); i++ {
		g.load(root, strings.Join(parts[:i], "/"))
	}
}

// matches reports whether rule r matches the slash path p (relative to
// the tree), a folder when dir is true.
func (r ignoreRule) matches(p string, dir bool) bool {
	if r.dirOnly && !dir {
		return false
	}
	rel := p
	if r.base != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(p, r.base+"/"); !ok {
			return false
		}
	}
	if r.anchored {
		return Match(r.pattern, rel)
	}
	ok, _ := path.Match(r.pattern, path.Base(rel))
	return ok
}

// Ignored reports whether git would ignore the file (or, with isDir, the
// folder) at slash path p: the last rule that matches it or one of its
// folders decides, and nothing inside an ignored folder comes back.
func (g *gitignore) Ignored(p string, isDir bool) bool {
	ignored := false
	segs := strings.Split(p, "/")
	for i := 1; i <= len(segs); i++ {
		sub, dir := strings.Join(segs[:i], "/"), i < len(segs) || isDir
		for _, r := range g.rules {
			if r.matches(sub, dir) {
				ignored = !r.negate
			}
		}
		if ignored && i < len(segs) {
			return true // git does not look inside an ignored folder
		}
	}
	return ignored
}
