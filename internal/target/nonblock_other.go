//go:build !unix

package target

// nonBlock: there are no named pipes to block on here.
const nonBlock = 0
