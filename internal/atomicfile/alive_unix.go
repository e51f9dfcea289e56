//go:build unix

package atomicfile

import "syscall"

// alive reports whether process pid runs (or may: one that cannot be
// signalled is taken for alive).
func alive(pid int) bool {
	return syscall.Kill(pid, 0) != syscall.ESRCH
}
