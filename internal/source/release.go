package source

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/extract/wheel"
	"github.com/pysbom/pysbom/internal/inventory"
)

// ReleaseOptions describe the project a release archive is of.
type ReleaseOptions struct {
	Name, Version string
	Supplier      inventory.Party
	CPE           string
	License       string
	DownloadURL   string
	// SBOM is the path, inside the archive, of the curated source SBOM
	// ("Misc/sbom.spdx.json").
	SBOM string
}

// SplitArchiveName reads "Python-3.13.5.tar.xz" as Python, 3.13.5.
func SplitArchiveName(base string) (name, version string) {
	for _, ext := range []string{".tar.xz", ".tar.gz", ".tgz", ".tar.bz2", ".zip"} {
		base = strings.TrimSuffix(base, ext)
	}
	for i := strings.LastIndexByte(base, '-'); i > 0; i = strings.LastIndexByte(base[:i], '-') {
		if i+1 < len(base) && base[i+1] >= '0' && base[i+1] <= '9' {
			return base[:i], base[i+1:]
		}
	}
	return base, ""
}

type member struct {
	sha1, sha256, normalized string
	size                     int64
}

// Release describes a project's release archive completely, the way
// python/release-tools does for CPython: the project as the primary
// package, every file of the archive hashed, the vendored packages of its
// curated SBOM (their files checked against the SBOM: a different checksum
// or a missing file is a problem), and the wheels it bundles expanded into
// what they vendor.
func Release(file string, opt ReleaseOptions) (*inventory.Inventory, []Problem, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	whole := sha256.New()
	r := io.TeeReader(bufio.NewReaderSize(f, 1<<20), whole)
	members := map[string]member{}
	keep := map[string][]byte{} // the curated SBOM and bundled wheels
	base := path.Base(file)
	visit := func(name string, size int64, rd io.Reader) error {
		buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), 64<<20)+bytes.MinRead)) // the declared size, bounded
		if _, err := buf.ReadFrom(rd); err != nil {
			return err
		}
		data := buf.Bytes()
		s1, s2 := sha1.Sum(data), sha256.Sum256(data)
		norm := data
		if bytes.IndexByte(data, 0) < 0 {
			norm = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		}
		n1, n2 := sha1.Sum(norm), sha256.Sum256(norm)
		members[name] = member{hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:]), hex.EncodeToString(n1[:]) + " " + hex.EncodeToString(n2[:]), size}
		if strings.HasSuffix(name, "/"+opt.SBOM) || name == opt.SBOM || strings.HasSuffix(name, ".whl") && strings.Contains(name, "/_bundled/") {
			keep[name] = data
		}
		return nil
	}
	lim := archive.DefaultLimits
	switch {
	case strings.HasSuffix(base, ".zip"):
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, nil, err
		}
		z, err := archive.OpenZip(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, n := range z.Names() {
			if strings.HasSuffix(n, "/") {
				continue
			}
			rc, err := z.Open(n)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: %w", file, n, err)
			}
			err = visit(n, 0, rc)
			rc.Close()
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: %w", file, n, err)
			}
		}
	default:
		var tr io.Reader
		switch {
		case strings.HasSuffix(base, ".tar.xz"):
			var xr *xz.Reader
			if xr, err = xz.NewReader(r); err == nil {
				tr = bufio.NewReaderSize(xr, 1<<20)
			}
		case strings.HasSuffix(base, ".tar.gz"), strings.HasSuffix(base, ".tgz"):
			tr, err = gzip.NewReader(r)
		case strings.HasSuffix(base, ".tar.bz2"):
			tr = bzip2.NewReader(r)
		default:
			return nil, nil, fmt.Errorf("%s: not a .tar.xz, .tar.gz, .tgz, .tar.bz2 or .zip archive", file)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		if _, err := archive.WalkTar(tr, lim, visit); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		io.Copy(io.Discard, r) // the rest of the compressed stream, for the archive's checksum
	}
	top := commonTop(members)
	return releaseInventory(members, keep, top, hex.EncodeToString(whole.Sum(nil)), opt)
}

// commonTop is the folder every member is in ("Python-3.13.5/"), or "".
func commonTop(members map[string]member) string {
	top := ""
	for n := range members {
		first, _, ok := strings.Cut(n, "/")
		if !ok || top != "" && first != top {
			return ""
		}
		top = first
	}
	if top == "" {
		return ""
	}
	return top + "/"
}

func releaseInventory(members map[string]member, keep map[string][]byte, top, archiveSum string, opt ReleaseOptions) (*inventory.Inventory, []Problem, error) {
	var problems []Problem
	root := &inventory.Package{ID: "release/" + spdxID(opt.Name) + "@" + opt.Version, Kind: inventory.KindLibrary, Name: opt.Name, Version: opt.Version,
		Supplier: opt.Supplier, Extra: &inventory.Extra{Originator: opt.Supplier, DownloadLocation: opt.DownloadURL}, FoundBy: "source/release",
		Hashes: []inventory.Hash{{Algorithm: inventory.SHA256, Value: archiveSum}}}
	if opt.License != "" {
		root.Extend().License = inventory.License{Expression: opt.License}
	}
	if opt.CPE != "" {
		root.Extend().CPEs = []string{opt.CPE}
	}
	inv := &inventory.Inventory{Root: root}
	owned := map[string]bool{}
	if data, ok := keep[top+opt.SBOM]; ok {
		rec, err := readRecorded(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s in the archive: not an SPDX JSON document: %w", opt.SBOM, err)
		}
		m := importRecorded(rec, opt.SBOM, nil)
		files := map[string][]File{}
		var paths []string
		for p := range rec.byPath {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			f := rec.byPath[p]
			got, ok := members[top+p]
			if !ok {
				problems = append(problems, Problem{rec.owner[p], p, "in " + opt.SBOM + " but not in the archive", "regenerate the SBOM before releasing"})
				continue
			}
			if got.normalized != f.sum("SHA1")+" "+f.sum("SHA256") {
				problems = append(problems, Problem{rec.owner[p], p, "mismatched checksum: the archive's file is not the one " + opt.SBOM + " lists", "regenerate the SBOM before releasing"})
			}
			owned[top+p] = true
			files[rec.owner[p]] = append(files[rec.owner[p]], File{Path: p, SHA1: got.sha1, SHA256: got.sha256})
		}
		vendored := Inventory(opt.Name, m, files)
		for _, p := range vendored.Packages {
			p.ID = root.ID + ">" + p.ID
			if p.Supplier.IsZero() {
				p.Supplier = opt.Supplier
			}
			inv.Packages = append(inv.Packages, p)
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.DependsOn, To: p.ID})
		}
	} else if opt.SBOM != "" {
		problems = append(problems, Problem{File: opt.SBOM, Msg: "not in the archive: only the project and its files are described", Fix: "check --sbom"})
	}
	var names []string
	for n := range members {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if owned[n] {
			continue
		}
		m := members[n]
		root.Files = append(root.Files, inventory.File{Path: strings.TrimPrefix(n, top), Size: m.size, Hashes: []inventory.Hash{
			{Algorithm: inventory.SHA1, Value: m.sha1}, {Algorithm: inventory.SHA256, Value: m.sha256}}})
	}
	for _, n := range names {
		data, ok := keep[n]
		if !ok || !strings.HasSuffix(n, ".whl") {
			continue
		}
		res, err := wheel.ReadBytes(path.Base(n), data, archive.DefaultLimits)
		if err != nil {
			problems = append(problems, Problem{File: strings.TrimPrefix(n, top), Msg: "bundled wheel cannot be read: " + err.Error()})
			continue
		}
		res.Bundle(root.ID)
		inv.Packages = append(append(inv.Packages, res.Package), res.Carried.Packages...)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.DependsOn, To: res.Package.ID})
		inv.Relationships = append(inv.Relationships, res.Carried.Relationships...)
		inv.Problems = append(inv.Problems, res.Carried.Problems...)
	}
	inv.Sort()
	return inv, problems, nil
}
