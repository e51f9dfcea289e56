package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary renders a lock compactly for comparison.
func summary(l *Lock) []string {
	var out []string
	for _, p := range l.Packages {
		s := p.Name + " " + p.Version
		if p.Specifier != "" {
			s += " spec=" + p.Specifier
		}
		if p.SourceKind != "" {
			s += " " + p.SourceKind + "=" + p.Source
		}
		if len(p.Hashes) > 0 {
			s += fmt.Sprintf(" hashes=%d", len(p.Hashes))
		}
		if len(p.Dependencies) > 0 {
			s += " deps=" + strings.Join(p.Dependencies, ",")
		}
		if p.Marker != "" {
			s += " marker=" + p.Marker
		}
		if len(p.Extras) > 0 {
			s += " extras=" + strings.Join(p.Extras, ",")
		}
		if len(p.Groups) > 0 {
			s += " groups=" + strings.Join(p.Groups, ",")
		}
		if p.IsRoot {
			s += " root"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestFormats(t *testing.T) {
	tests := map[string][]string{
		"requirements.txt": {
			"attrs 23.1.0 url=https://files.example.org/pkgs/attrs-23.1.0-py3-none-any.whl",
			"black  vcs=git+https://github.com/psf/black@23.1.0#egg=black",
			"idna 3.4 registry=https://pypi.example.org/simple groups=pinned-by-constraint",
			"project  editable=./local/project",
			"pytest  spec=>=7,<8 registry=https://pypi.example.org/simple",
			"requests 2.31.0 registry=https://pypi.example.org/simple hashes=2 extras=socks",
			"six 1.16.0 registry=https://pypi.example.org/simple",
			`urllib3 1.26.18 registry=https://pypi.example.org/simple marker=python_version < "3.10"`,
		},
		"poetry.lock": {
			"certifi 2024.2.2 hashes=2",
			"mylib 0.1.0 vcs=git+https://github.com/example/mylib.git@0123456789abcdef0123456789abcdef01234567 groups=optional",
			"requests 2.31.0 hashes=1 deps=certifi,charset-normalizer,pysocks",
		},
		"uv.lock": {
			"anyio 4.4.0 registry=https://files.pythonhosted.org/packages/anyio-4.4.0.tar.gz hashes=2 deps=idna",
			"app 0.1.0 editable=. deps=anyio,numpy@2.0.2,click root",
			"click 8.1.7 vcs=git+https://github.com/pallets/click?rev=8.1.7#0123456789abcdef0123456789abcdef01234567",
			"idna 3.7 registry=https://files.pythonhosted.org/packages/idna-3.7.tar.gz hashes=1",
			"numpy 2.0.2 registry=https://pypi.org/simple",
		},
		"Pipfile.lock": {
			"black  vcs=git+https://github.com/psf/black.git@0123456789abcdef0123456789abcdef01234567 groups=default",
			"mylib  editable=. groups=default",
			"pytest 8.0.0 extras=testing groups=develop",
			"requests 2.31.0 registry=https://pypi.org/simple hashes=1 marker=python_version >= '3.7' groups=default",
		},
		"pdm.lock": {
			"certifi 2024.2.2 hashes=1 groups=default",
			"devtool 1.0 vcs=git+https://github.com/example/devtool.git@0123456789abcdef0123456789abcdef01234567 groups=dev",
			"idna 3.7 groups=default",
			"requests 2.31.0 hashes=1 deps=certifi,idna groups=default",
		},
		"pylock.toml": {
			"attrs 25.1.0 registry=https://pypi.org/simple hashes=1",
			"cattrs 24.1.2 registry=https://pypi.org/simple hashes=1 deps=attrs marker=python_version >= '3.10'",
			"local-thing  editable=./local-thing",
			"vcs-thing 0.3 vcs=git+https://github.com/example/vcs-thing@0123456789abcdef0123456789abcdef01234567",
		},
	}
	for file, want := range tests {
		l, err := Parse(filepath.Join("testdata", file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if l.Format != file {
			t.Errorf("%s detected as %s", file, l.Format)
		}
		if diff := cmp.Diff(want, summary(l)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", file, diff)
		}
	}
}

func TestLines(t *testing.T) {
	l, err := Parse("testdata/poetry.lock")
	if err != nil {
		t.Fatal(err)
	}
	if l.Packages[0].Line != 3 || l.Packages[1].Line != 14 {
		t.Errorf("lines %d, %d", l.Packages[0].Line, l.Packages[1].Line)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		file, content, want string
	}{
		{"requirements.txt", "six==1.0\nrequests=>2\n", "requirements.txt:2: invalid requirement"},
		{"requirements.txt", "-r missing.txt\n", "requirements.txt:1: -r missing.txt: stat"},
		{"requirements.txt", "--frobnicate\n", "requirements.txt:1: unknown option --frobnicate"},
		{"requirements.txt", "a==1 --hash=sha256\n", "requirements.txt:1: malformed --hash=sha256"},
		{"poetry.lock", "[[package]]\nname = \"a\"\nversion = \n", "poetry.lock:3:"},
		{"poetry.lock", "[[package]]\nname = \"a\"\n", "poetry.lock:1: [[package]] without name or version"},
		{"uv.lock", "version = 1\n[[package]\n", "uv.lock:3:"},
		{"Pipfile.lock", "{\n  \"_meta\": {},\n  \"default\": {\n    \"x\": 5\n  }\n}\n", "Pipfile.lock:4: json: cannot unmarshal number"},
		{"Pipfile.lock", "{\"default\": {}}", "no \"_meta\" section"},
		{"pdm.lock", "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\"b >= =1\"]\n", "pdm.lock:1: dependency of a"},
		{"pylock.toml", "[[packages]]\nname = \"a\"\n", "pylock.toml:1: no lock-version"},
		{"pylock.toml", "lock-version = \"2.0\"\n", "lock-version 2.0 is not supported"},
		{"unknown.lock", "whatever", "not a known Python lock or requirements file"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.file)
		os.WriteFile(path, []byte(tt.content), 0o644)
		_, err := Parse(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: %v, want %q", tt.file, tt.content, err, tt.want)
		}
	}
	// Includes that loop are read once.
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("-r b.txt\nsix==1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("-r a.txt\nidna==3\n"), 0o644)
	l, err := Parse(filepath.Join(dir, "a.txt"))
	if err != nil || len(l.Packages) != 2 {
		t.Errorf("include loop: %v, %v", l, err)
	}
	var le *Error
	_, err = Parse(filepath.Join(dir, "requirements.txt"))
	if !errors.As(err, &le) {
		t.Errorf("error type %T", err)
	}
}

func FuzzRequirements(f *testing.F) {
	data, _ := os.ReadFile("testdata/requirements.txt")
	f.Add(data)
	f.Add([]byte("a==1 \\\n --hash=sha256:ab\n# c\n-e git+https://x/y#egg=z\n"))
	f.Add([]byte("a==1 \\\n" + strings.Repeat("  --hash=sha256:00 \\\n", 2000) + "  --hash=sha256:11\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseRequirements(filepath.Join(t.TempDir(), "r.txt"), data)
		if (l == nil) == (err == nil) {
			t.Fatalf("lock %v with error %v", l, err)
		}
	})
}

func fuzzFormat(f *testing.F, file string, parse func(string, []byte) (*Lock, error)) {
	data, _ := os.ReadFile(filepath.Join("testdata", file))
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parse(file, data)
		if (l == nil) == (err == nil) {
			t.Fatalf("lock %v with error %v", l, err)
		}
	})
}

func FuzzPoetry(f *testing.F)  { fuzzFormat(f, "poetry.lock", parsePoetry) }
func FuzzUV(f *testing.F)      { fuzzFormat(f, "uv.lock", parseUV) }
func FuzzPipfile(f *testing.F) { fuzzFormat(f, "Pipfile.lock", parsePipfile) }
func FuzzPDM(f *testing.F)     { fuzzFormat(f, "pdm.lock", parsePDM) }
func FuzzPylock(f *testing.F)  { fuzzFormat(f, "pylock.toml", parsePylock) }

// BenchmarkRequirementsContinuation reads one requirement continued over
// n lines of hashes; bench/linear.sh shows the time doubles with n.
func BenchmarkRequirementsContinuation(b *testing.B) {
	for _, n := range []int{100_000, 200_000} {
		data := []byte("requests==2.31.0 \\\n" + strings.Repeat("    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000 \\\n", n) + "    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111\n")
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := parseRequirements("requirements.txt", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestURLRequirementsSayVersionAndHash: a requirement naming a wheel or an
// sdist by URL has the archive's version, and the hash its fragment names.
func TestURLRequirementsSayVersionAndHash(t *testing.T) {
	data := []byte("monotonic @ file:///home/u/wheels/monotonic-1.6-py2.py3-none-any.whl#sha256=68687E19A14F11F26D140DD5C86F3DBA4BF5DF58003000ED467E0E2A69BCA96C\n" +
		"six @ https://example.org/six-1.16.0.tar.gz#sha256=1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926 --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926\n" +
		"https://example.org/attrs-23.1.0-py3-none-any.whl#sha256=aa\n" +
		"other @ https://example.org/different-2.0.tar.gz\n")
	l, err := parseRequirements("requirements.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ name, version, hashes string }
	var g []got
	for _, p := range l.Packages {
		g = append(g, got{p.Name, p.Version, fmt.Sprint(p.Hashes)})
	}
	want := []got{
		{"monotonic", "1.6", "[{sha256 68687e19a14f11f26d140dd5c86f3dba4bf5df58003000ed467e0e2a69bca96c}]"},
		{"six", "1.16.0", "[{sha256 1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926}]"},
		{"attrs", "23.1.0", "[{sha256 aa}]"},
		{"other", "", "[]"}, // the archive is another project's: its version is not other's
	}
	if diff := cmp.Diff(want, g, cmp.AllowUnexported(got{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRequirementsName(t *testing.T) {
	for name, want := range map[string]bool{
		"requirements.txt": true, "requirements-dev.txt": true, "dev-requirements.txt": true,
		"test_requirements.txt": true, "Requirements.TXT": true, "constraints.txt": true,
		"constraints-py312.txt": true, "requirements.in": true, "dev.in": true,
		"requirements/base.txt": true,
		"notes.txt":             false, "README.txt": false, "LICENSE": false, "requirements.cfg": false,
		"docs/base.txt": false, "reqs.toml": false,
	} {
		if got := RequirementsName(name); got != want {
			t.Errorf("RequirementsName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDetectByContent(t *testing.T) {
	for _, c := range []struct {
		content string
		want    string
	}{
		{"hello\n", ""},
		{"django\nflask\n", ""},
		{"Some prose about the project.\n", ""},
		{"django==4.2\nflask\n", "requirements.txt"},
		{"# deps\n-r base.txt\n", "requirements.txt"},
		{"-e git+https://example.org/x.git#egg=x\n", "requirements.txt"},
		{"https://example.org/x-1.0-py3-none-any.whl\n", "requirements.txt"},
		{"./local/path\n", ""},
		{"django==4.2\n--not-an-option\n", ""},
		{"django==4.2\nnot a requirement\n", ""},
		{"flask --hash=sha256:abcd\n", "requirements.txt"},
		{"[section]\nkey = value\n", ""},
		{`{"a": 1}`, ""},
	} {
		if got := Detect("notes.txt", []byte(c.content)); got != c.want {
			t.Errorf("Detect(notes.txt, %q) = %q, want %q", c.content, got, c.want)
		}
	}
	// A head cut off mid-line is judged without its last line.
	head := []byte(strings.Repeat("django==4.2\n", 400)[:4096])
	if got := Detect("notes.txt", head); got != "requirements.txt" {
		t.Errorf("a truncated head of pins: %q", got)
	}
}

func TestParseAssumed(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(f, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(f); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Parse of a note: %v, want ErrUnknownFormat", err)
	}
	l, err := ParseAssumed(f)
	if err != nil || len(l.Packages) != 1 || l.Packages[0].Name != "hello" {
		t.Fatalf("ParseAssumed: %v %+v", err, l)
	}
}
