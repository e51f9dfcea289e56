package digest

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	d := Read(strings.NewReader("abcdef"), -1, Want{RecordAlgo: "sha512", RecordSize: 3, MD5: true})
	if d.Err != nil || d.Size != 6 {
		t.Fatal(d.Err, d.Size)
	}
	for name, got := range map[string][]byte{
		"sha1":   d.SHA1,
		"sha256": d.SHA256,
		"prefix": d.Prefix256,
		"md5":    d.MD5,
	} {
		want := map[string]string{
			"sha1":   "1f8ac10f23c5b5bc1167bda84b833e5c057a77d2",
			"sha256": "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721",
			"prefix": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", // sha256("abc")
			"md5":    "e80b5017098950fc58aad83c8c14978e",
		}[name]
		if hex.EncodeToString(got) != want {
			t.Errorf("%s = %x, want %s", name, got, want)
		}
	}
	if len(d.Record) != 64 {
		t.Errorf("sha512 record digest has %d bytes", len(d.Record))
	}
}
