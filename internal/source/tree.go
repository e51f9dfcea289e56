package source

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/pysbom/pysbom/internal/glob"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Match reports whether path p matches glob g (package glob).
func Match(g, p string) bool { return glob.Match(g, p) }

// staticDir is the folder a glob starts in: its segments before the
// first wildcard ("Modules/expat/**" is in "Modules/expat").
func staticDir(g string) string {
	var out []string
	segs := strings.Split(g, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "*?[") || i == len(segs)-1 {
			break
		}
		out = append(out, s)
	}
	return strings.Join(out, "/")
}

// File is one file of the tree with its checksums.
type File struct {
	Path   string // slash path relative to the tree
	SHA1   string
	SHA256 string
}

// Tree is a source tree read for the manifest's globs.
type Tree struct {
	Root  string
	Files []string // slash paths of regular files under the globs' folders, sorted
}

// buildOutputs are never vendored source, whatever the globs say.
func buildOutput(p string) bool {
	base := path.Base(p)
	return strings.HasSuffix(base, ".o") || strings.HasSuffix(base, ".pyc") || strings.Contains(p, "__pycache__/") ||
		base == ".DS_Store"
}

// ReadTree lists the files under the folders the manifest's globs name,
// without those git would ignore (.gitignore files from the root down).
// A symbolic link that leaves the tree is refused.
func ReadTree(root string, m *Manifest) (*Tree, error) {
	t := &Tree{Root: root}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	dirs := map[string]bool{}
	for _, p := range m.Packages {
		for _, g := range p.Include {
			dirs[staticDir(g)] = true
		}
	}
	seen := map[string]bool{}
	ign := &gitignore{}
	for d := range dirs {
		ign.loadAncestors(root, d)
		start := filepath.Join(root, filepath.FromSlash(d))
		err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == start {
					return nil // reported as a glob that matches nothing
				}
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if e.IsDir() {
				if rel != "." {
					ign.load(root, rel)
				}
				if rel != "." && rel != d && ign.Ignored(rel, true) {
					return filepath.SkipDir
				}
				return nil
			}
			if e.Type()&fs.ModeSymlink != 0 {
				target, err := filepath.EvalSymlinks(p)
				if err != nil {
					return fmt.Errorf("%s: broken symbolic link", rel)
				}
				if r, err := filepath.Rel(realRoot, target); err != nil || strings.HasPrefix(r, "..") {
					return fmt.Errorf("%s: symbolic link to %s leaves the tree; refused", rel, target)
				}
				fi, err := os.Stat(p)
				if err != nil || !fi.Mode().IsRegular() {
					return nil
				}
			} else if !e.Type().IsRegular() {
				return nil
			}
			if !seen[rel] && !buildOutput(rel) && !ign.Ignored(rel, false) {
				seen[rel] = true
				t.Files = append(t.Files, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(t.Files)
	return t, nil
}

// Under returns the files a glob can match: those under its static
// folder, a contiguous run of the sorted list found by binary search, so
// that a manifest of many packages costs each only its own folder.
func (t *Tree) Under(g string) []string {
	dir := staticDir(g)
	if dir == "" {
		return t.Files
	}
	prefix := dir + "/"
	i := sort.SearchStrings(t.Files, prefix)
	n := sort.Search(len(t.Files)-i, func(k int) bool { return !strings.HasPrefix(t.Files[i+k], prefix) })
	return t.Files[i : i+n]
}

// Covered returns the files of package p, sorted: matched by an include
// glob and by no exclude glob.
func (t *Tree) Covered(p Package) []string {
	var out []string
	for i, g := range p.Include {
		for _, f := range t.Under(g) {
			if Match(g, f) && !slices.ContainsFunc(p.Exclude, func(x string) bool { return Match(x, f) }) &&
				!slices.ContainsFunc(p.Include[:i], func(e string) bool { return Match(e, f) }) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Hash computes SHA-1 and SHA-256 of a file the way CPython's
// generate_sbom.py does: CRLF becomes LF in any file without a NUL byte.
func (t *Tree) Hash(rel string) (File, error) {
	data, err := os.ReadFile(filepath.Join(t.Root, filepath.FromSlash(rel)))
	if err != nil {
		return File{}, err
	}
	if bytes.IndexByte(data, 0) < 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	s1, s256 := sha1.Sum(data), sha256.Sum256(data)
	return File{Path: rel, SHA1: hex.EncodeToString(s1[:]), SHA256: hex.EncodeToString(s256[:])}, nil
}
