package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// buildPysbom builds the binary the CI recipes run.
func buildPysbom(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build pysbom with")
	}
	bin := filepath.Join(t.TempDir(), "pysbom")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// vulnDB imports one record about the fixture environment's delta 4.0.post1.
func vulnDB(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "osv"), 0o755)
	os.WriteFile(filepath.Join(dir, "osv", "PYSEC-2099-3.json"), []byte(`{"id": "PYSEC-2099-3", "modified": "2025-01-01T00:00:00Z",
 "affected": [{"package": {"ecosystem": "PyPI", "name": "delta"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5"}]}]},
              {"package": {"ecosystem": "PyPI", "name": "demo"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.6"}]}]}],
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}`), 0o644)
	db := filepath.Join(dir, "v.db")
	if out, err := exec.Command(bin, "db", "import", "-q", "--db", db, filepath.Join(dir, "osv")).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	return db
}

// TestGitHubAction runs the action's script as GitHub would, with a fake
// GITHUB_* environment: SBOM and SARIF written and named in the outputs,
// the Markdown report in the job summary, the job failing on --fail-on.
func TestGitHubAction(t *testing.T) {
	bin := buildPysbom(t)
	db := vulnDB(t, bin)
	ws := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(ws, "venv"))
	summary, outputs := filepath.Join(ws, "summary.md"), filepath.Join(ws, "outputs")
	cmd := exec.Command("bash", "../../ci/github-action.sh")
	cmd.Env = append(os.Environ(), "PYSBOM_BIN="+bin, "PYSBOM_DB="+db, "GITHUB_WORKSPACE="+ws, "GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_OUTPUT="+outputs, "INPUT_TARGET="+venv, "INPUT_DB_UPDATE=false", "INPUT_FAIL_ON=high")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("want exit 3 (a finding at or above HIGH): %v\n%s", err, out)
	}
	s, _ := os.ReadFile(summary)
	if !strings.Contains(string(s), "## pysbom scan: 1 finding in 1 component") || !strings.Contains(string(s), "PYSEC-2099-3") {
		t.Errorf("job summary:\n%s", s)
	}
	o, _ := os.ReadFile(outputs)
	if !strings.Contains(string(o), "sbom=pysbom.spdx.json") || !strings.Contains(string(o), "sarif=pysbom.sarif") {
		t.Errorf("outputs: %s", o)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []any `json:"results"`
		} `json:"runs"`
	}
	data, _ := os.ReadFile(filepath.Join(ws, "pysbom.sarif"))
	if json.Unmarshal(data, &sarif) != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 1 {
		t.Errorf("SARIF: %.300s", data)
	}
	if _, err := os.Stat(filepath.Join(ws, "pysbom.spdx.json")); err != nil {
		t.Error(err)
	}
	// Without a gate the job passes.
	cmd = exec.Command("bash", "../../ci/github-action.sh")
	cmd.Env = append(os.Environ(), "PYSBOM_BIN="+bin, "PYSBOM_DB="+db, "GITHUB_WORKSPACE="+ws, "GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_OUTPUT="+outputs, "INPUT_TARGET="+venv, "INPUT_DB_UPDATE=false", "INPUT_SARIF=", "INPUT_SBOM=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("without --fail-on: %v\n%s", err, out)
	}
}

// TestPreCommitHooks runs Debian's pre-commit on a fixture repository
// whose configuration points at a local clone of this repository: the
// source-check hook passes on a tree that matches its curated SBOM and
// fails on drift; the lock-scan hook fails on a vulnerable pin.
func TestPreCommitHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pysbom inside pre-commit's cache")
	}
	pc, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Skip("pre-commit not installed (Debian: apt-get install pre-commit)")
	}
	root, _ := filepath.Abs("../..")
	rev, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	bin := buildPysbom(t)
	db := vulnDB(t, bin)
	dir := t.TempDir()
	clone := filepath.Join(dir, "pysbom")
	if out, err := exec.Command("git", "clone", "-q", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	repo := filepath.Join(dir, "project")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(filepath.Join(repo, "third_party", "zlib"), 0o755)
	os.WriteFile(filepath.Join(repo, "third_party", "zlib", "zlib.h"), []byte("#define ZLIB_VERSION \"1.3.1\"\n"), 0o644)
	os.WriteFile(filepath.Join(repo, ".pysbom-source.toml"), []byte(`sbom = "sbom.spdx.json"

[[package]]
name = "zlib"
version = "1.3.1"
download_url = "https://zlib.net/fossils/zlib-1.3.1.tar.gz"
sha256 = "9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23"
supplier = "Person: Jean-loup Gailly and Mark Adler"
license = "Zlib"
cpe = "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*"
include = "third_party/zlib/**"
`), 0o644)
	os.WriteFile(filepath.Join(repo, "requirements.txt"), []byte("demo==1.6\n"), 0o644)
	os.WriteFile(filepath.Join(repo, ".pre-commit-config.yaml"), []byte("repos:\n- repo: "+clone+"\n  rev: "+strings.TrimSpace(string(rev))+"\n  hooks:\n  - id: pysbom-source-check\n  - id: pysbom-scan-locks\n"), 0o644)
	exec.Command("git", "init", "-q", repo).Run()
	cmd := exec.Command(bin, "source", "update", "-C", repo)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("source update: %v %s", err, out)
	}
	git("add", "-A")
	git("commit", "-qm", "fixture")
	run := func() (string, error) {
		cmd := exec.Command(pc, "run", "--all-files")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(dir, "cache"), "PYSBOM_DB="+db, "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(); err != nil {
		t.Fatalf("a clean tree fails: %v\n%s", err, out)
	}
	// Drift: a vendored file changes; a vulnerable pin.
	os.WriteFile(filepath.Join(repo, "third_party", "zlib", "zlib.h"), []byte("#define ZLIB_VERSION \"1.3.2\"\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "requirements.txt"), []byte("demo==1.5\n"), 0o644)
	out, err := run()
	if err == nil || !strings.Contains(out, "pysbom source check") || !strings.Contains(out, "third_party/zlib/zlib.h") ||
		!strings.Contains(out, "PYSEC-2099-3") {
		t.Errorf("drift and a vulnerable pin pass: %v\n%s", err, out)
	}
}

// TestGitLabTemplate runs the template's job script in bash, as a GitLab
// runner would, with the binary given instead of installed.
func TestGitLabTemplate(t *testing.T) {
	bin := buildPysbom(t)
	db := vulnDB(t, bin)
	data, err := os.ReadFile("../../ci/gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Variables map[string]string `yaml:"variables"`
		Job       struct {
			Script    []string `yaml:"script"`
			Artifacts struct {
				Paths   []string          `yaml:"paths"`
				Reports map[string]string `yaml:"reports"`
			} `yaml:"artifacts"`
		} `yaml:"pysbom"`
	}
	if err := yaml.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(ws, "venv"))
	cmd := exec.Command("bash", "-c", strings.Join(tmpl.Job.Script, "\n"))
	cmd.Dir = ws
	env := append(os.Environ(), "PYSBOM="+bin, "PYSBOM_DB="+db, "PYSBOM_DB_UPDATE=false", "PYSBOM_TARGET="+venv)
	for k, v := range tmpl.Variables {
		if k != "PYSBOM_TARGET" {
			env = append(env, k+"="+v)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), "PYSEC-2099-3") {
		t.Fatalf("want the pipeline to fail with exit 3 on the HIGH finding: %v\n%s", err, out)
	}
	for _, f := range append(tmpl.Job.Artifacts.Paths, tmpl.Job.Artifacts.Reports["cyclonedx"]) {
		if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
			t.Errorf("artifact %s: %v", f, err)
		}
	}
}
