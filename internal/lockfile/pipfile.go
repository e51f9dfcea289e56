package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

type pipfileEntry struct {
	Version  string   `json:"version"`
	Hashes   []string `json:"hashes"`
	Markers  string   `json:"markers"`
	Index    string   `json:"index"`
	Extras   []string `json:"extras"`
	Git      string   `json:"git"`
	Ref      string   `json:"ref"`
	Path     string   `json:"path"`
	File     string   `json:"file"`
	Editable bool     `json:"editable"`
}

// parsePipfile reads Pipfile.lock (JSON); it records no dependency graph.
func parsePipfile(file string, data []byte) (*Lock, error) {
	var doc struct {
		Meta *struct {
			Sources []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"sources"`
		} `json:"_meta"`
		Default map[string]pipfileEntry `json:"default"`
		Develop map[string]pipfileEntry `json:"develop"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		case errors.As(err, &te):
			line = 1 + bytes.Count(data[:min(int(te.Offset), len(data))], []byte("\n"))
		}
		return nil, &Error{File: file, Line: line, Msg: err.Error()}
	}
	if doc.Meta == nil {
		return nil, &Error{File: file, Msg: `no "_meta" section: not a Pipfile.lock`}
	}
	indexes := map[string]string{}
	for _, s := range doc.Meta.Sources {
		indexes[s.Name] = s.URL
	}
	l := &Lock{}
	for _, group := range []struct {
		name    string
		entries map[string]pipfileEntry
	}{{"default", doc.Default}, {"develop", doc.Develop}} {
		for _, name := range sortedKeys(group.entries) {
			e := group.entries[name]
			p := Package{Name: name, Marker: e.Markers, Extras: e.Extras, Groups: []string{group.name}}
			if v, ok := strings.CutPrefix(e.Version, "=="); ok && !strings.ContainsAny(v, "*,") {
				p.Version = v
			} else if e.Version != "" {
				p.Specifier = e.Version
			}
			for _, h := range e.Hashes {
				if hh, ok := parseHash(h); ok {
					p.Hashes = append(p.Hashes, hh)
				}
			}
			switch {
			case e.Git != "":
				p.Source, p.SourceKind = "git+"+e.Git+"@"+e.Ref, "vcs"
			case e.File != "":
				p.Source, p.SourceKind = e.File, "url"
			case e.Path != "":
				p.Source, p.SourceKind = e.Path, "path"
				if e.Editable {
					p.SourceKind = "editable"
				}
			case e.Index != "":
				p.Source, p.SourceKind = indexes[e.Index], "registry"
			}
			l.Packages = append(l.Packages, p)
		}
	}
	return l, nil
}
