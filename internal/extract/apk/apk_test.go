package apk

import (
	"strings"
	"testing"
	"testing/fstest"
)

const installed = `C:Q1abc=
P:musl
V:1.2.5-r0
A:x86_64
S:411220
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1KbXKSKtqBSPcuK4L5lc6lmRObs0=
R:libc.musl-x86_64.so.1

P:libssl3
V:3.3.2-r0
A:x86_64
L:Apache-2.0
o:openssl
F:usr/lib
R:libssl.so.3
Z:Q1wK7WO0kEBaS0c9sBYCGsROm7pc0=
`

func TestParse(t *testing.T) {
	pkgs, ok, err := Read(fstest.MapFS{DBPath: {Data: []byte(installed)}})
	if !ok || err != nil || len(pkgs) != 2 {
		t.Fatalf("%v %v %+v", ok, err, pkgs)
	}
	m := pkgs[0]
	if m.Name != "musl" || m.Version != "1.2.5-r0" || m.License != "MIT" || len(m.Files) != 2 ||
		m.Files[0].Path != "/lib/ld-musl-x86_64.so.1" || m.Files[0].SHA1 != "29b5ca48ab6a0523dcb8ae0be6573a96644e6ecd" || m.Files[1].SHA1 != "" {
		t.Errorf("musl: %+v", m)
	}
	if got, want := pkgs[1].PURL("wolfi", "wolfi-20230201"), "pkg:apk/wolfi/libssl3@3.3.2-r0?arch=x86_64&distro=wolfi-20230201&upstream=openssl"; got != want {
		t.Errorf("Wolfi purl %s, want %s", got, want)
	}
	if got, want := pkgs[1].PURL("alpine", "alpine-3.20.3"), "pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl"; got != want {
		t.Errorf("purl %s, want %s", got, want)
	}
	if _, ok, _ := Read(fstest.MapFS{}); ok {
		t.Error("no database read as one")
	}
	if _, err := Parse(strings.NewReader("P:" + strings.Repeat("x", maxLine+1))); err == nil {
		t.Error("an endless line is no error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(installed))
	f.Fuzz(func(t *testing.T, data []byte) { Parse(strings.NewReader(string(data))) })
}
