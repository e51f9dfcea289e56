package cpython

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
)

// sourcePackage is a vendored package CPython's source SBOM declares.
type sourcePackage struct {
	Name    string `json:"name"`
	Version string `json:"versionInfo"`
	Refs    []struct {
		Locator string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

// sourceSBOMs are where a build's source tree may sit: a build directory
// (the prefix is the tree) or pyenv's kept sources (pyenv install -k).
func sourceSBOMs(prefix, version string) []string {
	out := []string{filepath.Join(prefix, "Misc", "sbom.spdx.json")}
	if version != "" {
		root := filepath.Dir(filepath.Dir(prefix)) // $PYENV_ROOT from $PYENV_ROOT/versions/X
		out = append(out, filepath.Join(root, "sources", version, "Python-"+version, "Misc", "sbom.spdx.json"))
	}
	return out
}

// readSource reads the first source SBOM found beside the build.
func (b *Build) readSource() {
	for _, p := range sourceSBOMs(b.Prefix, b.Version) {
		data, err := b.files.ReadFile(p)
		if err != nil {
			continue
		}
		var doc struct {
			Packages []sourcePackage `json:"packages"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			b.problem(inventory.BadSBOM, p, "CPython's source SBOM cannot be read: %v", err)
			return
		}
		b.SourceSBOM, b.Source = p, map[string]sourcePackage{}
		for _, sp := range doc.Packages {
			b.Source[sp.Name] = sp
		}
		return
	}
}

// crossCheck compares the vendored libraries the binaries show (name ->
// version, "" when the bytes carry none) with what the source tree's SBOM
// declares.
func (b *Build) crossCheck(found map[string]string, rel func(string) string) (problems []inventory.Problem) {
	if b.Source == nil {
		return nil
	}
	alias := map[string]string{"expat": "expat", "mpdecimal": "mpdecimal", "hacl-star": "hacl-star", "libb2": "libb2"}
	for name, version := range found {
		sp, ok := b.Source[alias[name]]
		if !ok {
			problems = append(problems, inventory.Problem{Kind: inventory.NativeUndeclared, Path: rel(b.SourceSBOM),
				Message: fmt.Sprintf("the binaries carry %s %s, which CPython's source SBOM does not declare", name, orUnknown(version))})
			continue
		}
		if version != "" && sp.Version != version {
			problems = append(problems, inventory.Problem{Kind: inventory.NativeConflict, Path: rel(b.SourceSBOM),
				Message: fmt.Sprintf("CPython's source SBOM declares %s %s, but the binaries show %s", name, sp.Version, version)})
		}
	}
	return problems
}

func orUnknown(v string) string {
	if v == "" {
		return "(version unknown)"
	}
	return v
}

// cpeOf returns a source package's CPE, if it declares one.
func (sp sourcePackage) cpeOf() string {
	for _, r := range sp.Refs {
		if strings.HasPrefix(r.Locator, "cpe:") {
			return r.Locator
		}
	}
	return ""
}
