package osrelease

import (
	"testing"
	"testing/fstest"
)

func TestRead(t *testing.T) {
	fsys := fstest.MapFS{"usr/lib/os-release": {Data: []byte(`PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
# a comment
ID=debian
ID_LIKE='rhel "fedora"'
`)}}
	r, ok := Read(fsys)
	if !ok || r.ID != "debian" || r.VersionID != "12" || r.Distro() != "debian-12" || r.From != "usr/lib/os-release" ||
		r.PrettyName != "Debian GNU/Linux 12 (bookworm)" || len(r.IDLike) != 2 {
		t.Errorf("%+v", r)
	}
	if _, ok := Read(fstest.MapFS{}); ok {
		t.Error("no os-release read as one")
	}
	if d := Parse([]byte("ID=alpine\n")).Distro(); d != "" {
		t.Errorf("no version: %q", d)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("ID=debian\nVERSION_ID=\"12\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { Parse(data) })
}
