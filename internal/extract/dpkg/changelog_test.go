package dpkg

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

func TestReadChangelog(t *testing.T) {
	old := DocRoot
	DocRoot = t.TempDir()
	defer func() { DocRoot = old }()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte(`pillow (9.4.0-1.1+deb12u1) bookworm-security; urgency=high

  * Backport fixes for CVE-2023-44271, CVE-2023-50447.

 -- Someone <x@example.org>  Sun, 02 Jun 2024 09:57:25 +0100

pillow (9.4.0-1) unstable; urgency=medium

  * Fix CVE-2022-1234 and CVE-2023-44271 again.
`))
	gz.Close()
	os.MkdirAll(filepath.Join(DocRoot, "python3-pil"), 0o755)
	os.WriteFile(filepath.Join(DocRoot, "python3-pil", "changelog.Debian.gz"), buf.Bytes(), 0o644)
	c, err := ReadChangelog("python3-pil")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "9.4.0-1.1+deb12u1" || c.Fixed["CVE-2023-44271"] != "9.4.0-1.1+deb12u1" || c.Fixed["CVE-2022-1234"] != "9.4.0-1" || len(c.Fixed) != 3 {
		t.Errorf("changelog = %+v", c)
	}
	if _, err := ReadChangelog("../etc"); err == nil {
		t.Error("a path was accepted as a package name")
	}
}
