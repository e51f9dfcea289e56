package conda

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPackageNames(t *testing.T) {
	for _, c := range []struct {
		channel, subdir, fn, purl, distributor string
	}{
		{"https://conda.anaconda.org/conda-forge/linux-64", "linux-64", "numpy-1.26.4-py311h64a7726_0.conda",
			"pkg:conda/numpy@1.26.4?build=b&channel=conda-forge&subdir=linux-64&type=conda", "conda-forge"},
		{"https://repo.anaconda.com/pkgs/main/noarch", "noarch", "numpy-1.26.4-b.tar.bz2",
			"pkg:conda/numpy@1.26.4?build=b&channel=main&subdir=noarch&type=tar.bz2", "Anaconda, Inc."},
		{"https://repo.anaconda.com/pkgs/r", "linux-64", "", "pkg:conda/numpy@1.26.4?build=b&channel=r&subdir=linux-64", "Anaconda, Inc."},
		{"bioconda", "", "", "pkg:conda/numpy@1.26.4?build=b&channel=bioconda", "bioconda"},
		{"file:///opt/channel/linux-64", "linux-64", "", "pkg:conda/numpy@1.26.4?build=b&channel=channel&subdir=linux-64", ""},
	} {
		p := Package{Name: "NumPy", Version: "1.26.4", Build: "b", Channel: c.channel, Subdir: c.subdir, Filename: c.fn}
		if got := p.PURL(); got != c.purl {
			t.Errorf("%s: purl %s, want %s", c.channel, got, c.purl)
		}
		if got := p.Distributor(); got != c.distributor {
			t.Errorf("%s: distributor %q, want %q", c.channel, got, c.distributor)
		}
	}
}

func TestRead(t *testing.T) {
	fsys := fstest.MapFS{
		"env/conda-meta/zlib-1.3-h0.json":    {Data: []byte(`{"name": "zlib", "version": "1.3", "files": ["/lib/libz.so.1", "lib/../lib/libz.so"]}`)},
		"env/conda-meta/attrs-23-py_0.json":  {Data: []byte(`{"name": "attrs", "version": "23.1.0"}`)},
		"env/conda-meta/history":             {Data: []byte("==> 2024 <==\n")},
		"env/conda-meta/bad-1-0.json":        {Data: []byte(`[1, 2]`)},
		"env/conda-meta/nameless-1-0.json":   {Data: []byte(`{"version": "1"}`)},
		"env/conda-meta/subdir.json/x.json":  {Data: []byte(`{}`)},
		"env/conda-meta/truncated-1-0.json":  {Data: []byte(`{"name": "t`)},
		"env/lib/python3.12/site-packages/x": {Data: nil},
	}
	read := func(name string, max int64) ([]byte, error) { return fsys.ReadFile(name) }
	pkgs, problems := Read(fsys, "env/conda-meta", read)
	if len(pkgs) != 2 || pkgs[0].Name != "attrs" || pkgs[1].Name != "zlib" || pkgs[1].Record != "env/conda-meta/zlib-1.3-h0.json" ||
		strings.Join(pkgs[1].Files, " ") != "lib/libz.so.1 lib/libz.so" {
		t.Errorf("packages %+v", pkgs)
	}
	if len(problems) != 3 {
		t.Errorf("problems %v", problems)
	}
	for _, err := range problems {
		if !strings.Contains(err.Error(), "env/conda-meta/") || !strings.Contains(err.Error(), "not a conda-meta record") {
			t.Errorf("problem %q names no file or cause", err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"name": "numpy", "version": "1.26.4", "build": "py311", "channel": "https://conda.anaconda.org/conda-forge/linux-64",
 "subdir": "linux-64", "fn": "numpy-1.26.4-py311.conda", "files": ["lib/python3.11/site-packages/numpy/__init__.py"], "sha256": "00"}`))
	f.Add([]byte(`{"name": "x", "version": "1", "channel": "file:///c", "url": "/tmp/x-1-0.tar.bz2", "files": ["/../../etc/passwd"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		_ = p.PURL()
		_ = p.Distributor()
		for _, name := range p.Files {
			if strings.HasPrefix(name, "/") {
				t.Errorf("file %q is not relative", name)
			}
		}
	})
}
