// Package imagefs is the file system an image's layers make when they are
// stacked, read without unpacking anything to disk.
//
// Each layer's tar stream is read once into a list of entries (names,
// kinds, sizes and where each file's bytes start in the layer), and the
// lists are stacked in order the way a container runtime stacks them: OCI
// whiteouts (".wh.NAME") remove what lower layers held, opaque directories
// (".wh..wh..opq") hide their lower contents, a later file replaces an
// earlier one, and hard links point at the bytes of the file they name.
// Every file records the layer that added its path and the layer that last
// wrote it, so a component found in it can say which layer brought it.
//
// Names are slash-separated and relative to the image root. Symbolic links
// are resolved inside the image: an absolute target starts at the image
// root, and a name whose resolution would climb above the root is refused
// with [ErrOutside]. Nothing named inside an image is ever opened on the
// host.
package imagefs

import (
	"io/fs"
	"sort"

	"github.com/pysbom/pysbom/internal/rootfs"
)

// ErrOutside is returned for a name that leaves the image root: the
// error a directory tree gives, so that extractors tell it alike.
var ErrOutside = rootfs.ErrOutside

// Kind is what a name in the image is.
type Kind uint8

const (
	Regular Kind = iota
	Dir
	Symlink
	// Other is a device, a named pipe or a socket: listed, never read.
	Other
)

func (k Kind) String() string {
	switch k {
	case Regular:
		return "file"
	case Dir:
		return "directory"
	case Symlink:
		return "symbolic link"
	}
	return "special file"
}

// Entry is one name of the stacked file system.
type Entry struct {
	Kind Kind
	Perm fs.FileMode // permission bits
	Size int64
	// Link is a symbolic link's target as the layer wrote it.
	Link string
	// Layer holds the file's bytes: for a hard link, the layer of the
	// file it links to.
	Layer int
	// Offset is where the bytes start in Layer's uncompressed tar. A
	// sparse file, whose bytes are stored in fragments and read through
	// the tar reader, has -1-n for the n-th member of the stream.
	Offset int64
	// Added is the layer that added the name, Changed the one that last
	// wrote it (the same layer when nothing rewrote it).
	Added, Changed int
}

// node is a name in the tree.
type node struct {
	Entry
	children map[string]*node // directories only
}

func newDir(layer int) *node {
	return &node{Entry: Entry{Kind: Dir, Perm: 0o755, Added: layer, Changed: layer, Layer: layer}, children: map[string]*node{}}
}

// names lists a directory's children in order.
func (n *node) names() []string {
	out := make([]string, 0, len(n.children))
	for k := range n.children {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// count is the number of names under n, n included.
func (n *node) count() int {
	c := 1
	for _, ch := range n.children {
		c += ch.count()
	}
	return c
}

// Removed is a file that a layer held and a later layer removed or
// replaced with something that is not a file.
type Removed struct {
	Name string
	Entry
	By int // the layer that removed it
}

// removedFiles appends the regular files under n, named from name.
func removedFiles(out []Removed, name string, n *node, by int) []Removed {
	if n.Kind == Regular {
		out = append(out, Removed{Name: name, Entry: n.Entry, By: by})
	}
	for _, k := range n.names() {
		out = removedFiles(out, joinName(name, k), n.children[k], by)
	}
	return out
}

func joinName(dir, base string) string {
	if dir == "." || dir == "" {
		return base
	}
	return dir + "/" + base
}
