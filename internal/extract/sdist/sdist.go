// Package sdist reads a source distribution (.tar.gz, .tar.bz2, .tgz or
// .zip) in place: its core metadata from PKG-INFO, or from
// pyproject.toml's [project] table when PKG-INFO is missing, the
// artifact's own SHA-256, and every member with SHA-1 and SHA-256. The
// archive is streamed once; setup.py is never run.
package sdist

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/digest"
	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/metadata"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/pyproject"
)

// FoundBy is recorded in Package.FoundBy.
const FoundBy = "python/sdist"

// Suffixes are the file name endings of source distributions.
var Suffixes = []string{".tar.gz", ".tgz", ".tar.bz2", ".zip"}

// IsSdist reports whether a file name looks like a source distribution.
func IsSdist(name string) bool {
	for _, s := range Suffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// SplitName splits "name-1.0.tar.gz" into name and version.
func SplitName(file string) (name, version string, ok bool) {
	for _, s := range Suffixes {
		if strings.HasSuffix(file, s) {
			stem := strings.TrimSuffix(file, s)
			i := strings.LastIndex(stem, "-")
			if i <= 0 || i == len(stem)-1 {
				return "", "", false
			}
			return stem[:i], stem[i+1:], true
		}
	}
	return "", "", false
}

// Result is one sdist.
type Result struct {
	Package  *inventory.Package
	Problems []inventory.Problem
}

// Read reads the sdist at file.
func Read(file string, lim archive.Limits) (*Result, error) {
	base := filepath.Base(file)
	fname, fversion, ok := SplitName(base)
	if !ok {
		return nil, fmt.Errorf("%s: not an sdist file name (want name-version.tar.gz or .zip)", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	var files []inventory.File
	var pkgInfo, pyprojectToml []byte
	var problems []archive.Problem
	// member records one member and keeps the two metadata files.
	member := func(name string, r io.Reader) error {
		var keep bytes.Buffer
		depth := strings.Count(name, "/")
		want := depth == 1 && (path.Base(name) == "PKG-INFO" || path.Base(name) == "pyproject.toml")
		src := r
		if want {
			src = io.TeeReader(r, &limitedBuffer{buf: &keep, max: metadata.MaxSize})
		}
		d := digest.Read(src, -1, digest.Want{})
		if d.Err != nil {
			return d.Err
		}
		files = append(files, inventory.File{Path: name, Size: d.Size, Hashes: []inventory.Hash{
			{Algorithm: inventory.SHA1, Value: fmt.Sprintf("%x", d.SHA1)},
			{Algorithm: inventory.SHA256, Value: fmt.Sprintf("%x", d.SHA256)},
		}})
		switch {
		case want && path.Base(name) == "PKG-INFO" && pkgInfo == nil:
			pkgInfo = keep.Bytes()
		case want && path.Base(name) == "pyproject.toml" && pyprojectToml == nil:
			pyprojectToml = keep.Bytes()
		}
		return nil
	}
	if strings.HasSuffix(base, ".zip") {
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		z, err := archive.OpenZip(f, fi.Size(), lim)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		problems = z.Problems
		for _, m := range z.Names() {
			rc, err := z.Open(m)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			err = member(m, rc)
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: member %s: %w", file, m, err)
			}
		}
	} else {
		// One pass: the artifact hash is computed from the same bytes.
		problems, err = archive.WalkTar(io.TeeReader(f, h), lim, func(name string, _ int64, r io.Reader) error {
			return member(name, r)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		// Hash whatever trails the compressed stream.
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
	}
	res := &Result{}
	var p *inventory.Package
	source := ""
	switch {
	case pkgInfo != nil:
		p, err = distinfo.FromMetadataBytes(pkgInfo)
		source = "PKG-INFO"
		if err != nil {
			return nil, fmt.Errorf("%s: PKG-INFO: %w", file, err)
		}
	case pyprojectToml != nil:
		proj, err := pyproject.Parse(pyprojectToml)
		if err != nil {
			return nil, fmt.Errorf("%s: pyproject.toml: %w", file, err)
		}
		if proj == nil || proj.Name == "" {
			return nil, fmt.Errorf("%s: no PKG-INFO, and pyproject.toml has no [project] name", file)
		}
		if p, err = distinfo.FromMetadataBytes([]byte(proj.Metadata(fversion))); err != nil {
			return nil, fmt.Errorf("%s: pyproject.toml [project]: %w", file, err)
		}
		source = "pyproject.toml"
	default:
		return nil, fmt.Errorf("%s: no PKG-INFO or pyproject.toml at the top of the archive", file)
	}
	key := pep503.Normalize(p.Name)
	p.ID = inventory.DistributionID(key, p.Version)
	p.Kind = inventory.KindDistribution
	p.FoundBy = FoundBy
	p.PURL = packageurl.NewPackageURL("pypi", "", key, p.Version,
		packageurl.Qualifiers{{Key: "file_name", Value: base}}, "").ToString()
	p.Hashes = []inventory.Hash{{Algorithm: inventory.SHA256, Value: fmt.Sprintf("%x", h.Sum(nil))}}
	p.Files = files
	p.Python.MetadataDir = source
	p.Properties = append(p.Properties,
		inventory.Property{Name: inventory.PropSdistFile, Value: base},
		inventory.Property{Name: inventory.PropSdistMetadata, Value: source})
	res.Package = p
	for _, ap := range problems {
		res.Problems = append(res.Problems, inventory.Problem{Kind: inventory.BadArchive, Package: p.ID, Path: ap.Member, Message: ap.Msg})
	}
	if pep503.Normalize(fname) != key || fversion != p.Version {
		res.Problems = append(res.Problems, inventory.Problem{Kind: inventory.BadMetadata, Package: p.ID, Path: source,
			Message: fmt.Sprintf("%s says %s %s but the file name says %s %s", source, p.Name, p.Version, fname, fversion)})
	}
	return res, nil
}

// limitedBuffer keeps at most max bytes.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
