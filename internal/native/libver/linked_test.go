package libver

import (
	"testing"

	"github.com/pysbom/pysbom/internal/native/binfacts"
)

// TestHeaderOnly: a version string is a contained copy only with the
// library's code; the headers' version of a dynamically linked library is
// what the binary was built against.
func TestHeaderOnly(t *testing.T) {
	ssl := []byte("OpenSSL 3.0.14 4 Jun 2024\n")
	tests := []struct {
		name     string
		facts    binfacts.Facts
		strs     []byte
		header   bool
		linkedTo string
	}{
		{"linked dynamically", binfacts.Facts{Path: "_openssl.abi3.so", Needed: []string{"libssl.so.3", "libcrypto.so.3", "libc.so.6"}}, ssl, true, "libssl.so.3"},
		{"no code, no link", binfacts.Facts{Path: "_x.so"}, ssl, true, ""},
		{"statically linked: its build line", binfacts.Facts{Path: "_rust.abi3.so"}, append(ssl, "compiler: cc -fPIC\n"...), false, ""},
		{"statically linked: its function", binfacts.Facts{Path: "_x.so", Needed: []string{"libcrypto.so.3"}, Exports: []string{"OpenSSL_version"}}, ssl, false, ""},
		{"the library itself", binfacts.Facts{Path: "libcrypto.so.3", SONAME: "libcrypto.so.3"}, ssl, false, ""},
		// zlib's version string is in its own code (deflate.c): a copy.
		{"zlib's code", binfacts.Facts{Path: "_x.so", Needed: []string{"libz.so.1"}}, []byte(" deflate 1.3.1 Copyright 1995-2024 Jean-loup Gailly and Mark Adler \n"), false, ""},
	}
	for _, tt := range tests {
		ms := Scan(&tt.facts, tt.strs, tt.facts.Path)
		if len(ms) != 1 {
			t.Errorf("%s: %+v", tt.name, ms)
			continue
		}
		if m := ms[0]; m.HeaderOnly != tt.header || m.LinkedTo != tt.linkedTo || m.Contained() == tt.header {
			t.Errorf("%s: header only %v, linked to %q", tt.name, m.HeaderOnly, m.LinkedTo)
		}
	}
}
