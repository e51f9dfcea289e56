package site

import (
	"github.com/pysbom/pysbom/internal/digest"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// hashFile opens name in the tree if it is a regular file inside it and
// hashes it.
func hashFile(tree rootfs.Tree, name string, w digest.Want) digest.Digests {
	f, size, err := tree.OpenReader(name)
	if err != nil {
		return digest.Digests{Err: brief(err)} // the job knows the path
	}
	defer f.Close()
	return digest.Read(f, size, w)
}
