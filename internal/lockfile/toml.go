package lockfile

import (
	"errors"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/pep508"
)

// decodeTOML decodes data into v; a syntax error names the line.
func decodeTOML(file string, data []byte, v any) (toml.MetaData, error) {
	md, err := toml.Decode(string(data), v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return md, &Error{File: file, Line: pe.Position.Line, Msg: pe.Message}
		}
		return md, &Error{File: file, Msg: err.Error()}
	}
	return md, nil
}

// tableLines finds the line of the n-th "[[name]]" header, for messages.
func tableLines(data []byte, name string) []int {
	var out []int
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "[["+name+"]]" {
			out = append(out, i+1)
		}
	}
	return out
}

func lineAt(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

// --- poetry.lock ---

type poetryLock struct {
	Package []struct {
		Name         string         `toml:"name"`
		Version      string         `toml:"version"`
		Optional     bool           `toml:"optional"`
		Category     string         `toml:"category"`
		Groups       []string       `toml:"groups"`
		Markers      any            `toml:"markers"`
		Files        []poetryFile   `toml:"files"`
		Dependencies map[string]any `toml:"dependencies"`
		Source       *struct {
			Type              string `toml:"type"`
			URL               string `toml:"url"`
			Reference         string `toml:"reference"`
			ResolvedReference string `toml:"resolved_reference"`
		} `toml:"source"`
	} `toml:"package"`
	Metadata struct {
		Files map[string][]poetryFile `toml:"files"` // poetry < 1.2
	} `toml:"metadata"`
}

type poetryFile struct {
	File string `toml:"file"`
	Hash string `toml:"hash"`
}

func parsePoetry(file string, data []byte) (*Lock, error) {
	var doc poetryLock
	if _, err := decodeTOML(file, data, &doc); err != nil {
		return nil, err
	}
	lines := tableLines(data, "package")
	l := &Lock{}
	for i, pk := range doc.Package {
		if pk.Name == "" || pk.Version == "" {
			return nil, &Error{File: file, Line: lineAt(lines, i), Msg: "[[package]] without name or version"}
		}
		p := Package{Name: pk.Name, Version: pk.Version, Line: lineAt(lines, i), Groups: pk.Groups}
		if pk.Category != "" {
			p.Groups = append(p.Groups, pk.Category)
		}
		if pk.Optional {
			p.Groups = append(p.Groups, "optional")
		}
		files := pk.Files
		if len(files) == 0 {
			files = doc.Metadata.Files[pk.Name]
		}
		for _, f := range files {
			if h, ok := parseHash(f.Hash); ok {
				p.Hashes = append(p.Hashes, h)
				p.Artifacts = append(p.Artifacts, artifact("", f.File, h))
			}
		}
		if s := pk.Source; s != nil {
			switch s.Type {
			case "git":
				ref := s.ResolvedReference
				if ref == "" {
					ref = s.Reference
				}
				p.Source, p.SourceKind = "git+"+s.URL+"@"+ref, "vcs"
			case "url":
				p.Source, p.SourceKind = s.URL, "url"
			case "file", "directory":
				p.Source, p.SourceKind = s.URL, "path"
			case "legacy":
				p.Source, p.SourceKind = s.URL, "registry"
			}
		}
		for dep := range pk.Dependencies {
			p.Dependencies = append(p.Dependencies, pep503.Normalize(dep))
		}
		sort.Strings(p.Dependencies)
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// --- uv.lock ---

type uvDist struct {
	URL  string `toml:"url"`
	Hash string `toml:"hash"`
}

type uvLock struct {
	Package []struct {
		Name    string         `toml:"name"`
		Version string         `toml:"version"`
		Source  map[string]any `toml:"source"`
		Deps    []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Marker  string `toml:"marker"`
		} `toml:"dependencies"`
		Optional map[string][]struct {
			Name string `toml:"name"`
		} `toml:"optional-dependencies"`
		DevDeps map[string][]struct {
			Name string `toml:"name"`
		} `toml:"dev-dependencies"`
		Sdist  *uvDist  `toml:"sdist"`
		Wheels []uvDist `toml:"wheels"`
	} `toml:"package"`
}

func parseUV(file string, data []byte) (*Lock, error) {
	var doc uvLock
	if _, err := decodeTOML(file, data, &doc); err != nil {
		return nil, err
	}
	lines := tableLines(data, "package")
	l := &Lock{}
	for i, pk := range doc.Package {
		if pk.Name == "" {
			return nil, &Error{File: file, Line: lineAt(lines, i), Msg: "[[package]] without a name"}
		}
		p := Package{Name: pk.Name, Version: pk.Version, Line: lineAt(lines, i)}
		for _, k := range []string{"registry", "git", "url", "path", "directory", "editable", "virtual"} {
			v, ok := pk.Source[k].(string)
			if !ok {
				continue
			}
			p.Source = v
			switch k {
			case "git":
				p.SourceKind, p.Source = "vcs", "git+"+v
			case "editable", "virtual":
				p.SourceKind = "editable"
				if v == "." {
					p.IsRoot = true
					l.Root = pk.Name
				}
			default:
				p.SourceKind = k
			}
			break
		}
		if pk.Sdist != nil {
			if h, ok := parseHash(pk.Sdist.Hash); ok {
				p.Hashes = append(p.Hashes, h)
				p.Artifacts = append(p.Artifacts, artifact(pk.Sdist.URL, "", h))
			}
			if p.SourceKind == "registry" {
				p.Source = pk.Sdist.URL
			}
		}
		for _, w := range pk.Wheels {
			if h, ok := parseHash(w.Hash); ok {
				p.Hashes = append(p.Hashes, h)
				p.Artifacts = append(p.Artifacts, artifact(w.URL, "", h))
			}
		}
		for _, d := range pk.Deps {
			p.Dependencies = append(p.Dependencies, depKey(d.Name, d.Version))
		}
		for _, extra := range sortedKeys(pk.Optional) {
			for _, d := range pk.Optional[extra] {
				p.Dependencies = append(p.Dependencies, pep503.Normalize(d.Name))
			}
		}
		for _, group := range sortedKeys(pk.DevDeps) {
			for _, d := range pk.DevDeps[group] {
				p.Dependencies = append(p.Dependencies, pep503.Normalize(d.Name))
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// --- pdm.lock ---

type pdmLock struct {
	Package []struct {
		Name         string   `toml:"name"`
		Version      string   `toml:"version"`
		Groups       []string `toml:"groups"`
		Dependencies []string `toml:"dependencies"`
		Files        []struct {
			File string `toml:"file"`
			URL  string `toml:"url"`
			Hash string `toml:"hash"`
		} `toml:"files"`
		Git      string `toml:"git"`
		Revision string `toml:"revision"`
		Path     string `toml:"path"`
		URL      string `toml:"url"`
		Editable bool   `toml:"editable"`
	} `toml:"package"`
}

func parsePDM(file string, data []byte) (*Lock, error) {
	var doc pdmLock
	if _, err := decodeTOML(file, data, &doc); err != nil {
		return nil, err
	}
	lines := tableLines(data, "package")
	l := &Lock{}
	for i, pk := range doc.Package {
		if pk.Name == "" {
			return nil, &Error{File: file, Line: lineAt(lines, i), Msg: "[[package]] without a name"}
		}
		p := Package{Name: pk.Name, Version: pk.Version, Line: lineAt(lines, i), Groups: pk.Groups}
		for _, f := range pk.Files {
			if h, ok := parseHash(f.Hash); ok {
				p.Hashes = append(p.Hashes, h)
				p.Artifacts = append(p.Artifacts, artifact(f.URL, f.File, h))
			}
		}
		switch {
		case pk.Git != "":
			p.Source, p.SourceKind = "git+"+pk.Git+"@"+pk.Revision, "vcs"
		case pk.URL != "":
			p.Source, p.SourceKind = pk.URL, "url"
		case pk.Path != "":
			p.Source, p.SourceKind = pk.Path, "path"
			if pk.Editable {
				p.SourceKind = "editable"
			}
		}
		for _, d := range pk.Dependencies {
			req, err := pep508.Parse(d)
			if err != nil {
				return nil, &Error{File: file, Line: lineAt(lines, i), Msg: "dependency of " + pk.Name + ": " + err.Error()}
			}
			p.Dependencies = append(p.Dependencies, req.Key())
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// --- pylock.toml (PEP 751) ---

type pylockFile struct {
	Name   string            `toml:"name"`
	URL    string            `toml:"url"`
	Path   string            `toml:"path"`
	Hashes map[string]string `toml:"hashes"`
}

type pylock struct {
	LockVersion string `toml:"lock-version"`
	Packages    []struct {
		Name         string `toml:"name"`
		Version      string `toml:"version"`
		Marker       string `toml:"marker"`
		Index        string `toml:"index"`
		Dependencies []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"dependencies"`
		VCS *struct {
			Type     string `toml:"type"`
			URL      string `toml:"url"`
			Path     string `toml:"path"`
			CommitID string `toml:"commit-id"`
		} `toml:"vcs"`
		Directory *struct {
			Path     string `toml:"path"`
			Editable bool   `toml:"editable"`
		} `toml:"directory"`
		Archive *pylockFile  `toml:"archive"`
		Sdist   *pylockFile  `toml:"sdist"`
		Wheels  []pylockFile `toml:"wheels"`
	} `toml:"packages"`
}

func parsePylock(file string, data []byte) (*Lock, error) {
	var doc pylock
	if _, err := decodeTOML(file, data, &doc); err != nil {
		return nil, err
	}
	if doc.LockVersion == "" {
		return nil, &Error{File: file, Line: 1, Msg: "no lock-version: not a PEP 751 lock file"}
	}
	if !strings.HasPrefix(doc.LockVersion, "1.") && doc.LockVersion != "1" {
		return nil, &Error{File: file, Msg: "lock-version " + doc.LockVersion + " is not supported (1.x is)"}
	}
	lines := tableLines(data, "packages")
	l := &Lock{}
	hashes := func(f *pylockFile, p *Package) {
		var hs []Hash
		for _, algo := range sortedKeys(f.Hashes) {
			hs = append(hs, Hash{Algorithm: strings.ToLower(algo), Value: strings.ToLower(f.Hashes[algo])})
		}
		p.Hashes = append(p.Hashes, hs...)
		name := f.Name
		if name == "" && f.Path != "" {
			name = f.Path[strings.LastIndexAny(f.Path, "/\\")+1:]
		}
		if len(hs) > 0 {
			p.Artifacts = append(p.Artifacts, artifact(f.URL, name, hs...))
		}
	}
	for i, pk := range doc.Packages {
		if pk.Name == "" {
			return nil, &Error{File: file, Line: lineAt(lines, i), Msg: "[[packages]] without a name"}
		}
		p := Package{Name: pk.Name, Version: pk.Version, Marker: pk.Marker, Line: lineAt(lines, i)}
		if pk.Index != "" {
			p.Source, p.SourceKind = pk.Index, "registry"
		}
		switch {
		case pk.VCS != nil:
			p.Source, p.SourceKind = pk.VCS.Type+"+"+pk.VCS.URL+"@"+pk.VCS.CommitID, "vcs"
		case pk.Directory != nil:
			p.Source, p.SourceKind = pk.Directory.Path, "directory"
			if pk.Directory.Editable {
				p.SourceKind = "editable"
			}
		case pk.Archive != nil:
			p.Source, p.SourceKind = pk.Archive.URL, "url"
			if p.Source == "" {
				p.Source, p.SourceKind = pk.Archive.Path, "path"
			}
			hashes(pk.Archive, &p)
		}
		if pk.Sdist != nil {
			hashes(pk.Sdist, &p)
		}
		for j := range pk.Wheels {
			hashes(&pk.Wheels[j], &p)
		}
		for _, d := range pk.Dependencies {
			p.Dependencies = append(p.Dependencies, depKey(d.Name, d.Version))
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// depKey names a dependency: its PEP 503 name, with "@version" when the
// lock says which version.
func depKey(name, version string) string {
	if version != "" {
		return pep503.Normalize(name) + "@" + version
	}
	return pep503.Normalize(name)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
