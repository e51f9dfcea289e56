// Package wheelname parses wheel file names (the binary distribution
// format specification): {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl,
// where each tag may be a "."-separated set.
package wheelname

import (
	"fmt"
	"strings"
)

// Name is a parsed wheel file name.
type Name struct {
	Distribution string // as in the file name (underscores for "-")
	Version      string
	Build        string // "" when absent
	Python       []string
	ABI          []string
	Platform     []string
}

// Parse parses a wheel file name (base name, with the .whl suffix).
func Parse(file string) (Name, error) {
	if !strings.HasSuffix(file, ".whl") {
		return Name{}, fmt.Errorf("wheel file name %q does not end in .whl", file)
	}
	parts := strings.Split(strings.TrimSuffix(file, ".whl"), "-")
	var n Name
	switch len(parts) {
	case 5:
		n = Name{Distribution: parts[0], Version: parts[1]}
	case 6:
		n = Name{Distribution: parts[0], Version: parts[1], Build: parts[2]}
		if n.Build == "" || n.Build[0] < '0' || n.Build[0] > '9' {
			return Name{}, fmt.Errorf("wheel file name %q: build tag %q must start with a digit", file, n.Build)
		}
	default:
		return Name{}, fmt.Errorf("wheel file name %q: want name-version[-build]-python-abi-platform.whl", file)
	}
	tags := parts[len(parts)-3:]
	n.Python, n.ABI, n.Platform = strings.Split(tags[0], "."), strings.Split(tags[1], "."), strings.Split(tags[2], ".")
	for _, s := range []string{n.Distribution, n.Version, tags[0], tags[1], tags[2]} {
		if s == "" {
			return Name{}, fmt.Errorf("wheel file name %q has an empty component", file)
		}
	}
	return n, nil
}

// Tags returns the compressed tag set as written: "cp312-cp312-manylinux_2_28_x86_64".
func (n Name) Tags() string {
	return strings.Join(n.Python, ".") + "-" + strings.Join(n.ABI, ".") + "-" + strings.Join(n.Platform, ".")
}

// String returns the file name.
func (n Name) String() string {
	s := n.Distribution + "-" + n.Version
	if n.Build != "" {
		s += "-" + n.Build
	}
	return s + "-" + n.Tags() + ".whl"
}
