package imagefs

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxLinks bounds the symbolic links followed for one name.
const maxLinks = 40

// FS is the file system an image's layers make.
type FS struct {
	root    *node
	layers  int
	removed []Removed
	open    Layers
	pool    *streams
	// Problems are what was wrong with the layers; each was skipped or
	// read as a container runtime reads it.
	Problems []Problem
	versions map[string][]Entry // tracked name -> what each layer wrote there
}

// Stack stacks the layers' lists, lowest first. layers opens their bytes
// for reading files; nil gives an index whose files cannot be opened.
// For each tracked name, the file every layer wrote there is kept (see
// [FS.Versions]): package databases, whose history tells which layer
// installed a package.
func Stack(lists []*List, layers Layers, track ...string) *FS {
	f := &FS{root: newDir(0), layers: len(lists), open: layers, pool: newStreams(layers), versions: map[string][]Entry{}}
	for _, n := range track {
		f.versions[n] = nil
	}
	for i, l := range lists {
		f.Problems = append(f.Problems, l.Problems...)
		if l.Err != nil {
			f.Problems = append(f.Problems, Problem{Layer: i, Msg: l.Err.Error()})
		}
		f.apply(i, l.records)
	}
	return f
}

// Layers is the number of layers stacked.
func (f *FS) Layers() int { return f.layers }

// Removed lists the files that a layer held and a later one removed, in
// the order they were removed.
func (f *FS) Removed() []Removed { return f.removed }

// apply stacks one layer: its whiteouts remove what the layers below
// hold, then its members are added in order.
func (f *FS) apply(layer int, recs []record) {
	for _, r := range recs {
		if r.whiteout || r.opaque {
			f.whiteout(layer, r)
		}
	}
	for _, r := range recs {
		if !r.whiteout && !r.opaque {
			f.add(layer, r)
			if v, ok := f.versions[r.name]; ok && r.kind == Regular && !r.hard {
				f.versions[r.name] = append(v, Entry{Kind: Regular, Perm: r.perm, Size: r.size, Layer: layer, Offset: r.offset, Added: layer, Changed: layer})
			}
		}
	}
}

// Versions gives the regular files the layers wrote at a tracked name
// (exactly that name, written by a tar member), lowest layer first.
func (f *FS) Versions(name string) []Entry { return f.versions[name] }

// OpenEntry opens the bytes of one version of a file.
func (f *FS) OpenEntry(e Entry) (io.ReadCloser, error) {
	if e.Kind != Regular {
		return nil, errors.New("not a regular file")
	}
	return f.openContents(&e)
}

func (f *FS) whiteout(layer int, r record) {
	if r.opaque {
		d, name, err := f.walk(r.name, false)
		if err != nil || d == nil || d.Kind != Dir {
			return // an opaque marker on a directory this layer makes
		}
		for _, k := range d.names() {
			f.removed = removedFiles(f.removed, joinName(name, k), d.children[k], layer)
		}
		d.children = map[string]*node{}
		return
	}
	dir, base := path.Split(r.name)
	parent, pname, err := f.walk(cleanDir(dir), true)
	if err != nil || parent == nil || parent.Kind != Dir || parent.children[base] == nil {
		f.Problems = append(f.Problems, Problem{layer, r.name, "a whiteout of a name no lower layer has"})
		return
	}
	f.removed = removedFiles(f.removed, joinName(pname, base), parent.children[base], layer)
	delete(parent.children, base)
}

func (f *FS) add(layer int, r record) {
	dir, base := path.Split(r.name)
	if r.name == "." {
		f.root.Perm, f.root.Changed = r.perm, layer
		return
	}
	parent, pname, err := f.mkdirAll(layer, cleanDir(dir))
	if err != nil {
		f.Problems = append(f.Problems, Problem{layer, r.name, err.Error() + "; it is skipped"})
		return
	}
	n := &node{Entry: Entry{Kind: r.kind, Perm: r.perm, Size: r.size, Link: r.link, Layer: layer, Offset: r.offset, Added: layer, Changed: layer}}
	if r.hard {
		t, _, err := f.walk(r.link, false)
		if err != nil || t == nil || t.Kind != Regular {
			f.Problems = append(f.Problems, Problem{layer, r.name, "a hard link to " + r.link + ", which is no file of the image; it is skipped"})
			return
		}
		n.Entry = t.Entry
		n.Link, n.Added, n.Changed = "", layer, layer
	}
	old := parent.children[base]
	switch {
	case old == nil:
	case old.Kind == Dir && r.kind == Dir:
		old.Perm, old.Changed = r.perm, layer
		return
	default:
		n.Added = old.Added
		if old.Kind == Dir || r.kind == Dir {
			n.Added = layer
			f.removed = removedFiles(f.removed, joinName(pname, base), old, layer)
		}
	}
	if n.Kind == Dir {
		n.children = map[string]*node{}
	}
	parent.children[base] = n
}

// mkdirAll finds the directory name, making those missing on the way
// (added by layer); links in it are followed inside the image.
func (f *FS) mkdirAll(layer int, name string) (*node, string, error) {
	return f.resolve(name, true, layer)
}

// walk finds name, following every symbolic link on the way and the last
// one too when follow is set. A missing name is a nil node and no error.
func (f *FS) walk(name string, follow bool) (*node, string, error) {
	return f.resolve(name, follow, -1)
}

// resolve walks name from the root, following symbolic links inside the
// image (the last one too when follow is set). With a layer (>= 0),
// missing directories are made as that layer's and a non-directory on the
// way is an error; without, a missing name is a nil node and no error.
func (f *FS) resolve(name string, follow bool, layer int) (*node, string, error) {
	create := layer >= 0
	cur, curName := f.root, "."
	links := 0
	comps := splitName(name)
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		if c == ".." {
			if curName == "." {
				return nil, "", ErrOutside
			}
			curName = path.Dir(curName)
			cur, _, _ = f.walk(curName, false)
			continue
		}
		if cur.Kind != Dir {
			return nil, "", nil
		}
		next := cur.children[c]
		if next == nil {
			if !create {
				return nil, "", nil
			}
			next = newDir(layer)
			cur.children[c] = next
		}
		if next.Kind == Symlink && (len(comps) > 0 || follow) {
			if links++; links > maxLinks {
				return nil, "", fmt.Errorf("%s: more than %d symbolic links", name, maxLinks)
			}
			comps, cur, curName = followLink(f.root, cur, curName, next.Link, comps)
			continue
		}
		if create && next.Kind != Dir {
			return nil, "", fmt.Errorf("%s is a %s, not a directory", joinName(curName, c), next.Kind)
		}
		cur, curName = next, joinName(curName, c)
	}
	return cur, curName, nil
}

// followLink is where resolution goes on after the link target in the
// directory cur: from the root for an absolute target, else from cur.
func followLink(root, cur *node, curName, target string, rest []string) ([]string, *node, string) {
	comps := append(splitName(target), rest...)
	if strings.HasPrefix(target, "/") {
		return comps, root, "."
	}
	return comps, cur, curName
}

func splitName(name string) []string {
	var out []string
	for _, c := range strings.Split(name, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}
