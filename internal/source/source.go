package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Update recomputes the SBOM of the tree at root from its manifest and
// returns the document and the problems found on the way (the document is
// written by the caller, atomically). created is the creation time of a
// complete SPDX document; with keep, an existing document's creation time
// is kept instead, so that an update that changes nothing changes nothing.
func Update(ctx context.Context, root string, m *Manifest, created string, keep bool) (*Updated, error) {
	tree, err := ReadTree(root, m)
	if err != nil {
		return nil, err
	}
	res := Compute(ctx, root, m, tree)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m.SPDX))); err == nil {
		if c := Created(old); c != "" && keep {
			created = c
		}
	}
	abs, _ := filepath.Abs(root)
	doc, err := Render(m, res.Files, Doc{Name: filepath.Base(abs) + " vendored code", Created: created})
	if err != nil {
		return nil, err
	}
	return &Updated{SPDX: doc, Inventory: Inventory(filepath.Base(abs), m, res.Files), Problems: res.Problems}, nil
}

// Updated is what Update computed.
type Updated struct {
	SPDX      []byte
	Inventory *inventory.Inventory // for a CycloneDX document
	Problems  []Problem
}

// Check reports every way the tree, the manifest and the SBOM on disk
// disagree; archives, when set, is a folder of downloaded archives.
// Downloading archives is the caller's call to DownloadArchives.
func Check(ctx context.Context, root string, m *Manifest, archives string) ([]Problem, error) {
	tree, err := ReadTree(root, m)
	if err != nil {
		return nil, err
	}
	res := Compute(ctx, root, m, tree)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	problems := res.Problems
	recorded, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m.SPDX)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		problems = append(problems, Problem{File: m.SPDX, Msg: "the SBOM does not exist", Fix: "run pysbom source update"})
	case err != nil:
		return nil, err
	default:
		problems = append(problems, CompareRecorded(recorded, m.SPDX, res)...)
	}
	if archives != "" {
		problems = append(problems, CheckArchives(m, archives)...)
	}
	return problems, nil
}

// ImportTree builds a manifest for the tree at root from its existing
// CPython-style SBOM at sbomPath (relative to root).
func ImportTree(root, sbomPath string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(sbomPath)))
	if err != nil {
		return nil, err
	}
	rec, err := readRecorded(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sbomPath, err)
	}
	// Globs first, to know which folders to list; then the excludes.
	tree, err := ReadTree(root, importRecorded(rec, sbomPath, nil))
	if err != nil {
		return nil, err
	}
	return importRecorded(rec, sbomPath, tree.Files), nil
}

// Guess builds a template manifest from the folders of the tree that look
// vendored: a folder below the root with its own LICENSE or COPYING file.
// The version comes from the code where a known header declares it;
// everything else is left for the maintainer to fill in.
func Guess(root, sbomPath string) (*Manifest, error) {
	m := &Manifest{SPDX: sbomPath}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "node_modules" || d.Name() == "__pycache__") {
			return filepath.SkipDir
		}
		if d.IsDir() || p == root {
			return nil
		}
		base := strings.ToUpper(d.Name())
		if !strings.HasPrefix(base, "LICENSE") && !strings.HasPrefix(base, "COPYING") {
			return nil
		}
		dir := filepath.Dir(p)
		if dir == root {
			return nil
		}
		rel, _ := filepath.Rel(root, dir)
		rel = filepath.ToSlash(rel)
		if slices.ContainsFunc(m.Packages, func(q Package) bool { return strings.HasPrefix(rel+"/", staticDir(q.Include[0])+"/") }) {
			return nil
		}
		pkg := Package{Name: filepath.Base(dir), License: "NOASSERTION", Purpose: "SOURCE", Include: []string{rel + "/**"}}
		if v, _, ok := codeVersion(root, pkg, nil); ok {
			pkg.Version = v
		}
		m.Packages = append(m.Packages, pkg)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	slices.SortFunc(m.Packages, func(a, b Package) int { return strings.Compare(a.Name, b.Name) })
	return m, nil
}
