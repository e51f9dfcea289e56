//go:build !unix

package rootfs

// nonBlock: there are no named pipes to block on here.
const nonBlock = 0
