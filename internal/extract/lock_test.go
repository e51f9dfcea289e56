package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
)

func TestLock(t *testing.T) {
	dir := filepath.Join("..", "lockfile", "testdata")
	l, err := lockfile.Parse(filepath.Join(dir, "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	inv := Lock(l, Options{Name: "uv.lock", Supplier: inventory.Party{Kind: inventory.Organization, Name: "Example"}})
	anyio := inv.Find("pypi/anyio@4.4.0")
	if anyio == nil || anyio.PURL != "pkg:pypi/anyio@4.4.0" || anyio.Supplier.Name != "Python Package Index (pypi.org)" || anyio.More().DownloadLocation != "https://files.pythonhosted.org/packages/anyio-4.4.0.tar.gz" {
		t.Fatalf("anyio = %+v", anyio)
	}
	click := inv.Find("pypi/click@8.1.7")
	if click == nil || !strings.HasPrefix(click.PURL, "pkg:pypi/click@8.1.7?vcs_url=git%2Bhttps") {
		t.Errorf("click = %+v", click)
	}
	deps := map[string]bool{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn {
			deps[r.From+" "+r.To] = true
		}
	}
	for _, want := range []string{"pypi/app@0.1.0 pypi/anyio@4.4.0", "pypi/app@0.1.0 pypi/numpy@2.0.2", "pypi/anyio@4.4.0 pypi/idna@3.7"} {
		if !deps[want] {
			t.Errorf("missing edge %s", want)
		}
	}
	l, err = lockfile.Parse(filepath.Join(dir, "requirements.txt"))
	if err != nil {
		t.Fatal(err)
	}
	inv = Lock(l, Options{})
	pytest := inv.Find("pypi/pytest")
	if pytest == nil || pytest.Version != "" {
		t.Fatalf("unpinned pytest = %+v", pytest)
	}
	var msgs []string
	for _, p := range inv.Problems {
		msgs = append(msgs, p.Message)
	}
	got := strings.Join(msgs, "\n")
	if !strings.Contains(got, "pytest is not pinned (>=7,<8)") || !strings.Contains(got, "black comes from git+https://github.com/psf/black@23.1.0#egg=black") {
		t.Errorf("problems:\n%s", got)
	}
	if inv.Find("pypi/requests@2.31.0").Hash(inventory.SHA256) != "" {
		t.Error("a requirement with two hashes got one of them as its checksum")
	}
	if six := inv.Find("pypi/six@1.16.0"); six == nil || !strings.Contains(six.PURL, "repository_url=https") || six.Supplier.Name != "package index pypi.example.org" {
		t.Errorf("six from a private index = %+v", six)
	}
	if black := inv.Find("pypi/black"); black == nil || black.Supplier.Name != "psf" {
		t.Errorf("black from GitHub = %+v", black)
	}
}
