// Package conda reads the packages installed in a conda environment from
// its conda-meta/*.json records: each package's name, version, build,
// channel and subdir (its pkg:conda purl), licence, the archive it came
// from (URL and checksums) and the files it installed.
//
// The records are read as JSON; nothing of the environment is run.
package conda

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// Dir is where conda keeps the records, under an environment's prefix.
const Dir = "conda-meta"

// Limits on what is read.
const (
	maxRecord   = 64 << 20 // one package's record (a record lists every file)
	maxPackages = 1 << 14
)

// Package is one installed conda package.
type Package struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Build    string   `json:"build"`
	Channel  string   `json:"channel"` // "https://conda.anaconda.org/conda-forge/linux-64", or a bare name
	Subdir   string   `json:"subdir"`
	License  string   `json:"license"`
	URL      string   `json:"url"` // the archive it was installed from
	Filename string   `json:"fn"`
	MD5      string   `json:"md5"`
	SHA256   string   `json:"sha256"`
	Depends  []string `json:"depends"`
	Files    []string `json:"files"` // relative to the prefix
	// Record is the conda-meta file it was read from.
	Record string `json:"-"`
}

// ChannelName is the channel's short name: "conda-forge" for
// https://conda.anaconda.org/conda-forge/linux-64, "main" for
// https://repo.anaconda.com/pkgs/main/linux-64, the name as given
// otherwise.
func (p Package) ChannelName() string {
	c := strings.TrimSuffix(p.Channel, "/")
	if p.Subdir != "" {
		c = strings.TrimSuffix(c, "/"+p.Subdir)
	}
	if i := strings.Index(c, "://"); i >= 0 {
		c = c[i+3:]
		host, rest, _ := strings.Cut(c, "/")
		switch {
		case host == "repo.anaconda.com" && strings.HasPrefix(rest, "pkgs/"):
			return strings.TrimPrefix(rest, "pkgs/")
		case rest != "":
			return path.Base(rest)
		}
		return host
	}
	return c
}

// Distributor is who distributed the package: the channel's owner, as
// far as its address tells (Anaconda, Inc. runs repo.anaconda.com; a
// channel on anaconda.org is its owner's name); "" for a local channel.
func (p Package) Distributor() string {
	c := p.Channel
	switch {
	case strings.Contains(c, "://repo.anaconda.com/"):
		return "Anaconda, Inc."
	case strings.HasPrefix(c, "file:") || strings.HasPrefix(c, "/") || c == "" || c == "local":
		return ""
	}
	return p.ChannelName()
}

// ArchiveType is "conda" or "tar.bz2", from the archive's file name.
func (p Package) ArchiveType() string {
	name := p.Filename
	if name == "" {
		name = path.Base(p.URL)
	}
	switch {
	case strings.HasSuffix(name, ".conda"):
		return "conda"
	case strings.HasSuffix(name, ".tar.bz2"):
		return "tar.bz2"
	}
	return ""
}

// PURL is the package URL as the purl specification's conda type writes
// it: pkg:conda/NAME@VERSION?build=...&channel=...&subdir=...&type=....
func (p Package) PURL() string {
	q := packageurl.Qualifiers{}
	add := func(k, v string) {
		if v != "" {
			q = append(q, packageurl.Qualifier{Key: k, Value: v})
		}
	}
	add("build", p.Build)
	add("channel", p.ChannelName())
	add("subdir", p.Subdir)
	add("type", p.ArchiveType())
	return packageurl.NewPackageURL("conda", "", strings.ToLower(p.Name), p.Version, q, "").ToString()
}

// Read reads the records of the environment whose conda-meta directory is
// dir in fsys. A record that cannot be read is an error naming it in
// problems; the others are still returned, sorted by name.
func Read(fsys fs.FS, dir string, readFile func(name string, max int64) ([]byte, error)) (pkgs []Package, problems []error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, []error{err}
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if len(pkgs) >= maxPackages {
			problems = append(problems, fmt.Errorf("%s: more than %d records; the rest are not read", dir, maxPackages))
			break
		}
		name := path.Join(dir, e.Name())
		data, err := readFile(name, maxRecord)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		p, err := Parse(data)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		p.Record = name
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b Package) int { return strings.Compare(a.Name+" "+a.Version, b.Name+" "+b.Version) })
	return pkgs, problems
}

// Parse reads one conda-meta record.
func Parse(data []byte) (Package, error) {
	var p Package
	if err := json.Unmarshal(data, &p); err != nil {
		return Package{}, fmt.Errorf("not a conda-meta record: %v", err)
	}
	if p.Name == "" || p.Version == "" {
		return Package{}, fmt.Errorf("not a conda-meta record: no name or version")
	}
	for i, f := range p.Files {
		p.Files[i] = path.Clean(strings.TrimLeft(f, "/"))
	}
	return p, nil
}
