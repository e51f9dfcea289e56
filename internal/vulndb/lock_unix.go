//go:build unix

package vulndb

import (
	"os"
	"syscall"
)

// tryLock takes an exclusive lock on f without waiting; busy is true when
// another process holds it. The lock goes with the process: a pysbom
// killed in the middle of an import leaves no lock behind.
func tryLock(f *os.File) (busy bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		return true, nil
	}
	return false, err
}

// writable reports whether this process may write the file at path.
func writable(path string) bool {
	return syscall.Access(path, 2 /* W_OK */) == nil
}

// keepOwner gives the new file at tmp the owner of the file it replaces,
// where this process may.
func keepOwner(tmp string, old os.FileInfo) {
	if st, ok := old.Sys().(*syscall.Stat_t); ok {
		os.Chown(tmp, int(st.Uid), int(st.Gid))
	}
}
