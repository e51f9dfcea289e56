//go:build !unix

package atomicfile

// alive: without a way to ask, every process is taken for alive, and no
// temporary file is removed.
func alive(int) bool { return true }
