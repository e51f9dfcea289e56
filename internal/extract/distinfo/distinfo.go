// Package distinfo reads one installed Python distribution from its
// metadata directory: a PEP 376 .dist-info directory, or a setuptools
// .egg-info directory or file.
//
// It turns core metadata, INSTALLER, direct_url.json (PEP 610) and the
// list of installed files (RECORD, or installed-files.txt and
// top_level.txt for eggs) into an inventory package and the files it
// should have. Hashing and verifying those files is the caller's job, so
// that one worker pool can hash a whole environment.
package distinfo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/license"
	"github.com/pysbom/pysbom/internal/python/metadata"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/record"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// FoundBy is recorded in Package.FoundBy.
const FoundBy = "python/dist-info"

// Dist is an installed distribution whose files are not yet hashed.
type Dist struct {
	Package *inventory.Package
	// Key is the PEP 503 normalised name.
	Key string
	// Expected lists the files the distribution says it installed, with
	// paths relative to the site directory, cleaned, "/"-separated.
	Expected []Expected
	// Listed is true when Expected comes from a RECORD with hashes.
	Listed bool
	// Problems found while reading the metadata directory.
	Problems []inventory.Problem
}

// Expected is one file the distribution says it has.
type Expected struct {
	Path string
	// Algorithm and Digest from RECORD; empty when the row has no hash.
	Algorithm string
	Digest    []byte
	Size      int64 // -1 when unknown
}

// IsMetadataName reports whether a site-directory entry name is a
// distribution's metadata directory or file.
func IsMetadataName(name string) bool {
	return strings.HasSuffix(name, ".dist-info") || strings.HasSuffix(name, ".egg-info")
}

// Site is a site directory as the tree it is read through sees it.
type Site struct {
	FS   rootfs.Tree
	Name string // the site directory's name in FS ("lib/python3.11/site-packages")
	Path string // its path on disk, which packages record as their location
}

// MaxRecordRows is the most files of one distribution that are hashed
// and verified: ten times the largest distributions on PyPI, and a bound
// on the memory a RECORD of tiny rows could claim.
const MaxRecordRows = 250_000

// Limits on the small files of a metadata directory; METADATA and
// RECORD have their parsers' (metadata.MaxSize, record.MaxSize).
const (
	maxInstaller   = 4 << 10
	maxDirectURL   = 1 << 20
	maxListing     = 16 << 20 // requires.txt, installed-files.txt, top_level.txt
	maxMetadataDir = 1 << 16  // entries walked in a folder listed for lack of a RECORD
)

// name is the name in the tree of a path relative to the site directory.
func (s Site) name(rel string) string { return path.Join(s.Name, rel) }

// read reads a file of the site directory, at most max bytes.
func (s Site) read(rel string, max int64) ([]byte, error) { return s.FS.ReadFile(s.name(rel), max) }

// Read reads the metadata directory (or egg-info file) name inside site.
// It fails only when the core metadata cannot be read at all; everything
// else is a problem on the returned Dist.
func Read(site Site, name string) (*Dist, error) {
	fi, err := site.FS.Stat(site.name(name))
	if err != nil {
		return nil, err
	}
	isEgg := strings.HasSuffix(name, ".egg-info")
	metaFile := path.Join(name, "METADATA")
	switch {
	case !fi.IsDir():
		metaFile = name // an egg-info file is PKG-INFO itself
	case isEgg:
		metaFile = path.Join(name, "PKG-INFO")
	}
	md, mdErr := readCore(site, metaFile)
	if mdErr != nil {
		// A directory whose core metadata cannot be read still names the
		// distribution; its RECORD still lists its files.
		n, v, ok := nameFromDir(name)
		if !ok || !fi.IsDir() {
			return nil, mdErr
		}
		md = &metadata.Metadata{Name: n, Version: v}
	}
	key := pep503.Normalize(md.Name)
	p := fromMetadata(md)
	p.ID = inventory.DistributionID(key, md.Version)
	p.FoundBy = FoundBy
	p.Python = &inventory.PythonDist{
		Location:        site.Path,
		MetadataDir:     name,
		MetadataVersion: md.MetadataVersion,
		RequiresDist:    md.RequiresDist,
		RequiresPython:  md.RequiresPython,
		ProvidesExtra:   md.ProvidesExtra,
	}
	d := &Dist{Package: p, Key: key}
	if mdErr != nil {
		d.problem(inventory.BadMetadata, metaFile, "%v; name and version taken from the folder's name", mdErr)
	}
	if fi.IsDir() {
		if b, err := site.read(path.Join(name, "INSTALLER"), maxInstaller); err == nil {
			p.Python.Installer = strings.TrimSpace(string(b))
		} else if !errors.Is(err, fs.ErrNotExist) {
			d.problem(inventory.Unreadable, path.Join(name, "INSTALLER"), "cannot read: %v", brief(err))
		}
		d.readDirectURL(site, path.Join(name, "direct_url.json"))
	}
	switch {
	case !fi.IsDir():
		d.Expected = []Expected{{Path: name, Size: -1}}
	case isEgg:
		d.readEggFiles(site, name)
		if len(p.Python.RequiresDist) == 0 {
			if b, err := site.read(path.Join(name, "requires.txt"), maxListing); err == nil {
				p.Python.RequiresDist = requiresTxt(string(b))
			} else if !errors.Is(err, fs.ErrNotExist) {
				d.problem(inventory.Unreadable, path.Join(name, "requires.txt"), "cannot read: %v", brief(err))
			}
		}
	default:
		d.readRecord(site, name)
	}
	for _, lf := range md.LicenseFiles {
		// PEP 639: license files live under .dist-info/licenses/.
		for _, cand := range []string{path.Join(name, "licenses", lf), path.Join(name, lf)} {
			if d.expects(cand) {
				x := p.Extend()
				x.License.Files = append(x.License.Files, cand)
				break
			}
		}
	}
	return d, nil
}

// readCore reads and parses a core metadata file.
func readCore(site Site, file string) (*metadata.Metadata, error) {
	data, err := site.read(file, metadata.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("cannot read core metadata: %w", brief(err))
	}
	md, err := metadata.ParseBytes(data)
	if err != nil {
		return nil, fmt.Errorf("cannot parse core metadata: %w", err)
	}
	return md, nil
}

// nameFromDir reads the name and version from a metadata folder's name:
// "foo_bar-1.2.dist-info", "foo-1.2-py3.11.egg-info".
func nameFromDir(dir string) (name, version string, ok bool) {
	stem := strings.TrimSuffix(strings.TrimSuffix(dir, ".dist-info"), ".egg-info")
	name, rest, ok := strings.Cut(stem, "-")
	if !ok || name == "" {
		return "", "", false
	}
	version, _, _ = strings.Cut(rest, "-")
	return name, version, version != ""
}

func (d *Dist) problem(kind inventory.ProblemKind, file, format string, args ...any) {
	d.Problems = append(d.Problems, inventory.Problem{
		Kind: kind, Package: d.Package.ID, Path: file, Message: fmt.Sprintf(format, args...),
	})
}

func (d *Dist) expects(p string) bool {
	for _, e := range d.Expected {
		if e.Path == p {
			return true
		}
	}
	return false
}

// fromMetadata maps core metadata onto a package.
func fromMetadata(md *metadata.Metadata) *inventory.Package {
	p := &inventory.Package{
		Kind:    inventory.KindDistribution,
		Name:    md.Name,
		Version: md.Version,
	}
	if !metadata.Unknown(md.Summary) {
		p.Extend().Summary = md.Summary
	}
	p.PURL = packageurl.NewPackageURL("pypi", "", pep503.Normalize(md.Name), md.Version, nil, "").ToString()
	p.Supplier, p.Extend().Originator = suppliers(md)
	lic := license.FromMetadata(md.LicenseExpression, md.License, md.Classifiers)
	p.Extend().License = inventory.License{Expression: lic.Expression, Declared: lic.Declared, Source: lic.Source}
	if !metadata.Unknown(md.HomePage) {
		p.Extend().Homepage = md.HomePage
		p.Extend().URLs = append(p.More().URLs, inventory.Link{Label: "Home-page", URL: md.HomePage})
	}
	for _, u := range md.ProjectURLs {
		p.Extend().URLs = append(p.More().URLs, inventory.Link{Label: u.Label, URL: u.URL})
		if p.More().Homepage == "" && isHomeLabel(u.Label) {
			p.Extend().Homepage = u.URL
		}
	}
	if !metadata.Unknown(md.DownloadURL) {
		p.Extend().URLs = append(p.More().URLs, inventory.Link{Label: "Download-URL", URL: md.DownloadURL})
	}
	return p
}

// isHomeLabel applies PEP 753's label normalisation to find the homepage.
func isHomeLabel(label string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if r != ' ' && r != '-' && r != '_' && r != '.' {
			b.WriteRune(r)
		}
	}
	switch b.String() {
	case "homepage", "home", "source", "sourcecode", "repository":
		return true
	}
	return false
}

// readRecord reads RECORD into Expected.
func (d *Dist) readRecord(site Site, name string) {
	rec := path.Join(name, "RECORD")
	data, err := site.read(rec, record.MaxSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			d.problem(inventory.NoRecord, rec, "no RECORD: the installed files of %s are unknown", d.Package.Name)
		} else {
			d.problem(inventory.Unreadable, rec, "cannot read RECORD: %v", brief(err))
		}
		d.listDir(site, name)
		return
	}
	d.Listed = true
	seen := map[string]bool{}
	over := 0
	err = record.Each(data, func(e record.Entry) {
		p, ok := cleanRel(e.Path)
		switch {
		case !ok:
			d.problem(inventory.BadRecord, rec, "line %d: path %q is not relative to the site directory", e.Line, e.Path)
		case seen[p]:
		case len(d.Expected) >= MaxRecordRows:
			over++
		default:
			seen[p] = true
			d.Expected = append(d.Expected, Expected{Path: p, Algorithm: e.Algorithm, Digest: e.Digest, Size: e.Size})
		}
	})
	if err != nil {
		d.problem(inventory.BadRecord, rec, "RECORD is malformed (%v); files after that line are not verified", err)
	}
	if over > 0 {
		d.problem(inventory.BadRecord, rec, "RECORD lists %d more files than the %d verified for one distribution; those are not verified", over, MaxRecordRows)
	}
	if !seen[rec] {
		d.Expected = append(d.Expected, Expected{Path: rec, Size: -1})
	}
}

// readEggFiles lists the files of an .egg-info directory: installed-files.txt
// when present (paths relative to the egg-info directory), else the
// directory itself plus the top-level packages that top_level.txt names.
func (d *Dist) readEggFiles(site Site, name string) {
	if b, err := site.read(path.Join(name, "installed-files.txt"), maxListing); err == nil {
		seen := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			p, ok := cleanRel(path.Join(name, filepath.ToSlash(line)))
			if ok && !seen[p] {
				seen[p] = true
				d.Expected = append(d.Expected, Expected{Path: p, Size: -1})
			}
		}
		return
	}
	d.listDir(site, name)
	b, err := site.read(path.Join(name, "top_level.txt"), maxListing)
	if err != nil {
		return
	}
	entries, _ := site.FS.ReadDir(site.Name)
	for _, top := range strings.Fields(string(b)) {
		if strings.ContainsAny(top, `/\`) || top == "." || top == ".." {
			continue
		}
		if fi, err := site.FS.Stat(site.name(top)); err == nil && fi.IsDir() {
			d.listDir(site, top)
			continue
		}
		for _, e := range entries {
			base := e.Name()
			if strings.HasPrefix(base, top+".") && (strings.HasSuffix(base, ".py") || strings.HasSuffix(base, ".so") || strings.HasSuffix(base, ".pyd")) {
				d.Expected = append(d.Expected, Expected{Path: base, Size: -1})
			}
		}
	}
}

// listDir adds every regular file under site/dir, without following
// symbolic links, skipping __pycache__ folders.
func (d *Dist) listDir(site Site, dir string) {
	sub, err := fs.Sub(site.FS, site.Name)
	if err != nil {
		return
	}
	seen := 0
	_ = fs.WalkDir(sub, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			d.problem(inventory.Unreadable, p, "cannot list: %v", brief(err))
			return nil
		}
		if e.IsDir() && e.Name() == "__pycache__" {
			return fs.SkipDir
		}
		if seen++; seen > maxMetadataDir {
			d.problem(inventory.Unreadable, dir, "more than %d entries; the rest are not listed", maxMetadataDir)
			return fs.SkipAll
		}
		if e.Type().IsRegular() && !d.expects(p) {
			d.Expected = append(d.Expected, Expected{Path: p, Size: -1})
		}
		return nil
	})
}

// brief is an error without the path a PathError repeats: problems
// already name their file.
func brief(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// cleanRel cleans a RECORD path. Paths that leave the site directory
// (scripts in ../../../bin) are kept; absolute paths are refused.
func cleanRel(p string) (string, bool) {
	p = strings.ReplaceAll(p, `\`, "/")
	if p == "" || path.IsAbs(p) || (len(p) > 1 && p[1] == ':') {
		return "", false
	}
	return path.Clean(p), true
}

// directURL is PEP 610's direct_url.json.
type directURL struct {
	URL     string `json:"url"`
	VCSInfo *struct {
		VCS               string `json:"vcs"`
		CommitID          string `json:"commit_id"`
		RequestedRevision string `json:"requested_revision"`
	} `json:"vcs_info"`
	ArchiveInfo *struct {
		Hash   string            `json:"hash"`
		Hashes map[string]string `json:"hashes"`
	} `json:"archive_info"`
	DirInfo *struct {
		Editable bool `json:"editable"`
	} `json:"dir_info"`
}

func (d *Dist) readDirectURL(site Site, rel string) {
	b, err := site.read(rel, maxDirectURL)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			d.problem(inventory.Unreadable, rel, "cannot read: %v", brief(err))
		}
		return
	}
	var du directURL
	if err := json.Unmarshal(b, &du); err != nil || du.URL == "" {
		d.problem(inventory.BadMetadata, rel, "direct_url.json is not valid PEP 610 data")
		return
	}
	p := d.Package
	info := &inventory.DirectURL{URL: du.URL}
	loc := du.URL
	switch {
	case du.VCSInfo != nil:
		info.VCS, info.CommitID, info.RequestedRevision = du.VCSInfo.VCS, du.VCSInfo.CommitID, du.VCSInfo.RequestedRevision
		loc = du.VCSInfo.VCS + "+" + du.URL
		if info.CommitID != "" {
			loc += "@" + info.CommitID
		}
	case du.ArchiveInfo != nil:
		for algo, v := range du.ArchiveInfo.Hashes {
			if a := algorithm(algo); a != "" {
				p.Hashes = append(p.Hashes, inventory.Hash{Algorithm: a, Value: strings.ToLower(v)})
			}
		}
		if len(p.Hashes) == 0 && du.ArchiveInfo.Hash != "" {
			if algo, v, ok := strings.Cut(du.ArchiveInfo.Hash, "="); ok {
				if a := algorithm(algo); a != "" {
					p.Hashes = append(p.Hashes, inventory.Hash{Algorithm: a, Value: strings.ToLower(v)})
				}
			}
		}
		info.ArchiveHash = du.ArchiveInfo.Hash
	case du.DirInfo != nil:
		info.Dir, info.Editable = true, du.DirInfo.Editable
	}
	p.Python.DirectURL = info
	p.Extend().DownloadLocation = loc
}

func algorithm(name string) inventory.Algorithm {
	switch strings.ToLower(name) {
	case "sha1":
		return inventory.SHA1
	case "sha256":
		return inventory.SHA256
	case "sha384":
		return inventory.SHA384
	case "sha512":
		return inventory.SHA512
	case "md5":
		return inventory.MD5
	}
	return ""
}

// FromMetadataBytes maps a core metadata file on its own (a vendored
// .dist-info/METADATA, a wheel's METADATA, an sdist's PKG-INFO) to a
// package, without ID or files.
func FromMetadataBytes(data []byte) (*inventory.Package, error) {
	md, err := metadata.ParseBytes(data)
	if err != nil {
		return nil, err
	}
	p := fromMetadata(md)
	p.Python = &inventory.PythonDist{
		MetadataVersion: md.MetadataVersion, RequiresDist: md.RequiresDist,
		RequiresPython: md.RequiresPython, ProvidesExtra: md.ProvidesExtra,
	}
	return p, nil
}
