// Package invjson writes pysbom's own JSON form of an inventory: every
// field of the model, with problems in full. Its shape is documented in
// docs/inventory-json.md and versioned by the "schema" field; fields are
// only ever added within a schema version.
package invjson

import (
	"encoding/json"
	"io"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Schema identifies the format.
const Schema = "pysbom-inventory/1"

type document struct {
	Schema        string         `json:"schema"`
	Tool          string         `json:"tool"`
	Created       string         `json:"created"`
	Root          *pkg           `json:"root"`
	Packages      []*pkg         `json:"packages"`
	Relationships []relationship `json:"relationships"`
	Problems      []problem      `json:"problems"`
}

type pkg struct {
	ID               string     `json:"id"`
	Kind             string     `json:"kind"`
	Name             string     `json:"name"`
	Version          string     `json:"version"`
	Summary          string     `json:"summary,omitempty"`
	PURL             string     `json:"purl,omitempty"`
	CPEs             []string   `json:"cpes,omitempty"`
	Supplier         *party     `json:"supplier,omitempty"`
	Originator       *party     `json:"originator,omitempty"`
	License          *license   `json:"license,omitempty"`
	Homepage         string     `json:"homepage,omitempty"`
	URLs             []link     `json:"urls,omitempty"`
	DownloadLocation string     `json:"downloadLocation,omitempty"`
	Hashes           []hash     `json:"hashes,omitempty"`
	Artifacts        []artifact `json:"artifacts,omitempty"`
	Files            []file     `json:"files,omitempty"`
	FoundBy          string     `json:"foundBy,omitempty"`
	Python           *python    `json:"python,omitempty"`
	Distro           *distro    `json:"distro,omitempty"`
	Properties       []property `json:"properties,omitempty"`
}

type artifact struct {
	Name   string `json:"name"`
	URL    string `json:"url,omitempty"`
	Hashes []hash `json:"hashes"`
}

type party struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

type license struct {
	Expression string   `json:"expression,omitempty"`
	Declared   string   `json:"declared,omitempty"`
	Source     string   `json:"source,omitempty"`
	Files      []string `json:"files,omitempty"`
}

type link struct {
	Label string `json:"label,omitempty"`
	URL   string `json:"url"`
}

type hash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

type file struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA1   string `json:"sha1,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

type python struct {
	Location        string     `json:"location"`
	MetadataDir     string     `json:"metadataDir"`
	MetadataVersion string     `json:"metadataVersion,omitempty"`
	Installer       string     `json:"installer,omitempty"`
	RequiresDist    []string   `json:"requiresDist,omitempty"`
	RequiresPython  string     `json:"requiresPython,omitempty"`
	ProvidesExtra   []string   `json:"providesExtra,omitempty"`
	DirectURL       *directURL `json:"directUrl,omitempty"`
}

type directURL struct {
	URL               string `json:"url"`
	VCS               string `json:"vcs,omitempty"`
	CommitID          string `json:"commitId,omitempty"`
	RequestedRevision string `json:"requestedRevision,omitempty"`
	ArchiveHash       string `json:"archiveHash,omitempty"`
	Editable          bool   `json:"editable,omitempty"`
	Dir               bool   `json:"dir,omitempty"`
}

type distro struct {
	Manager string `json:"manager"`
	Distro  string `json:"distro,omitempty"`
	Name    string `json:"name"`
	Source  string `json:"source,omitempty"`
	Version string `json:"version"`
	Arch    string `json:"arch,omitempty"`
	PURL    string `json:"purl,omitempty"`
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type relationship struct {
	From string `json:"from"`
	Type string `json:"type"`
	To   string `json:"to"`
}

type problem struct {
	Kind          string `json:"kind"`
	Informational bool   `json:"informational,omitempty"`
	Package       string `json:"package,omitempty"`
	Path          string `json:"path,omitempty"`
	Message       string `json:"message"`
}

// Encode writes inv as pysbom inventory JSON.
func Encode(w io.Writer, inv *inventory.Inventory, created time.Time, tool string) error {
	doc := document{
		Schema: Schema, Tool: tool, Created: created.UTC().Format(time.RFC3339),
		Root: convert(inv.Root), Packages: []*pkg{}, Relationships: []relationship{}, Problems: []problem{},
	}
	for _, p := range inv.Packages {
		doc.Packages = append(doc.Packages, convert(p))
	}
	for _, r := range inv.Relationships {
		doc.Relationships = append(doc.Relationships, relationship{r.From, string(r.Type), r.To})
	}
	for _, p := range inv.Problems {
		doc.Problems = append(doc.Problems, problem{string(p.Kind), p.Kind.Informational(), p.Package, p.Path, p.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func convert(p *inventory.Package) *pkg {
	if p == nil {
		return nil
	}
	out := &pkg{
		ID: p.ID, Kind: string(p.Kind), Name: p.Name, Version: p.Version, Summary: p.More().Summary, PURL: p.PURL,
		CPEs: p.More().CPEs, Supplier: conv(p.Supplier), Originator: conv(p.More().Originator), Homepage: p.More().Homepage,
		DownloadLocation: p.More().DownloadLocation, FoundBy: p.FoundBy,
	}
	if l := p.More().License; l.Expression != "" || l.Declared != "" || len(l.Files) > 0 {
		out.License = &license{l.Expression, l.Declared, l.Source, l.Files}
	}
	for _, u := range p.More().URLs {
		out.URLs = append(out.URLs, link{u.Label, u.URL})
	}
	for _, h := range p.Hashes {
		out.Hashes = append(out.Hashes, hash{string(h.Algorithm), h.Value})
	}
	for _, a := range p.More().Artifacts {
		ja := artifact{Name: a.Name, URL: a.URL, Hashes: []hash{}}
		for _, h := range a.Hashes {
			ja.Hashes = append(ja.Hashes, hash{string(h.Algorithm), h.Value})
		}
		out.Artifacts = append(out.Artifacts, ja)
	}
	for _, f := range p.Files {
		out.Files = append(out.Files, file{f.Path, f.Size, f.Hash(inventory.SHA1), f.Hash(inventory.SHA256)})
	}
	if py := p.Python; py != nil {
		out.Python = &python{py.Location, py.MetadataDir, py.MetadataVersion, py.Installer, py.RequiresDist, py.RequiresPython, py.ProvidesExtra, nil}
		if d := py.DirectURL; d != nil {
			out.Python.DirectURL = &directURL{d.URL, d.VCS, d.CommitID, d.RequestedRevision, d.ArchiveHash, d.Editable, d.Dir}
		}
	}
	if d := p.Distro; d != nil {
		out.Distro = &distro{d.Manager, d.Distro, d.Name, d.Source, d.Version, d.Arch, d.PURL}
	}
	for _, pr := range p.Properties {
		out.Properties = append(out.Properties, property{pr.Name, pr.Value})
	}
	return out
}

func conv(p inventory.Party) *party {
	if p.IsZero() {
		return nil
	}
	return &party{string(p.Kind), p.Name, p.Email}
}
