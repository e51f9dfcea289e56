package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/dtrackserver"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// TestUpload: an environment and an SPDX document go to a local server
// that keeps Dependency-Track's contract (a contract test, not a running
// Dependency-Track), as CycloneDX without files; VEX statements follow
// as the project's analysis once the BOM is processed; the key never
// shows.
func TestUpload(t *testing.T) {
	const key = "odt_secret-value"
	srv := dtrackserver.New()
	srv.Keys[key] = []string{"BOM_UPLOAD", "PROJECT_CREATION_UPLOAD", "VULNERABILITY_ANALYSIS"}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	dir := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(dir, "venv"))
	vexFile := filepath.Join(dir, "triage.openvex.json")
	os.WriteFile(vexFile, []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "PYSEC-2099-3"}, "products": [{"@id": "pkg:pypi/delta"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}`), 0o644)
	getenv := func(k string) string {
		if k == "PYSBOM_DT_API_KEY" {
			return key
		}
		return ""
	}
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, progressOut: &errb, getenv: getenv}
		code := finish(&errb, findCommand("upload").run(context.Background(), e, args))
		return out.String(), errb.String(), code
	}
	out, errs, code := run("--url", hs.URL, "--project", "app", "--project-version", "1", "--auto-create", "--tag", "ci", "--vex", vexFile, venv)
	if code != ExitOK || !strings.Contains(out, "uploaded the BOM to app 1") || !strings.Contains(out, "uploaded the VEX to app 1") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, key) {
		t.Error("the API key was printed")
	}
	var bom struct {
		BOMFormat  string `json:"bomFormat"`
		Components []struct {
			Name       string `json:"name"`
			Components []struct {
				Type string `json:"type"`
			} `json:"components"`
		} `json:"components"`
	}
	if len(srv.BOMs) != 1 || json.Unmarshal(srv.BOMs[0], &bom) != nil || bom.BOMFormat != "CycloneDX" || len(bom.Components) == 0 {
		t.Fatalf("the BOM received: %s", srv.BOMs)
	}
	for _, c := range bom.Components {
		for _, s := range c.Components {
			if s.Type == "file" {
				t.Errorf("%s was sent with its files", c.Name)
			}
		}
	}
	if len(srv.VEXes) != 1 || !strings.Contains(string(srv.VEXes[0]), `"state": "not_affected"`) || !strings.Contains(string(srv.VEXes[0]), `"justification": "code_not_reachable"`) {
		t.Errorf("the VEX received: %s", srv.VEXes)
	}
	// An SPDX document is converted; a missing key is a usage error;
	// a key from a file works; a key the server rejects says what to do.
	spdxDoc := filepath.Join(dir, "doc.spdx.json")
	if _, errs, code := (func() (string, string, int) {
		var out, errb bytes.Buffer
		c := Main(context.Background(), []string{"sbom", "-q", venv, "-o", "spdx-json=" + spdxDoc}, strings.NewReader(""), &out, &errb)
		return out.String(), errb.String(), c
	})(); code != ExitOK {
		t.Fatal(errs)
	}
	if _, errs, code := run("--url", hs.URL, "--project", "app", "--project-version", "1", spdxDoc); code != ExitOK {
		t.Errorf("SPDX upload: %s", errs)
	}
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("wrong-key\n"), 0o600)
	_, errs, code = run("--url", hs.URL, "--project", "app", "--project-version", "1", "--api-key-file", keyFile, venv)
	if code != ExitError || !strings.Contains(errs, "the API key was rejected (401)") || strings.Contains(errs, "wrong-key") {
		t.Errorf("rejected key: exit %d %s", code, errs)
	}
	getenv = func(string) string { return "" }
	_, errs, code = run("--url", hs.URL, "--project", "app", "--project-version", "1", venv)
	if code != ExitUsage || !strings.Contains(errs, "PYSBOM_DT_API_KEY") {
		t.Errorf("no key: exit %d %s", code, errs)
	}
}

// TestUploadCACert: a server whose certificate the system does not trust
// is refused with a hint, and trusted with --ca-cert.
func TestUploadCACert(t *testing.T) {
	srv := dtrackserver.New()
	srv.Keys["k"] = []string{"BOM_UPLOAD"}
	srv.Projects["app@1"] = true
	hs := httptest.NewTLSServer(srv)
	defer hs.Close()
	dir := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(dir, "venv"))
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o644)
	run := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, progressOut: &errb,
			getenv: func(k string) string { return map[string]string{"PYSBOM_DT_API_KEY": "k"}[k] }}
		code := finish(&errb, findCommand("upload").run(context.Background(), e, args))
		return out.String() + errb.String(), code
	}
	if out, code := run("--url", hs.URL, "--project", "app", "--project-version", "1", venv); code != ExitError || !strings.Contains(out, "--ca-cert") {
		t.Errorf("untrusted: exit %d %s", code, out)
	}
	if out, code := run("--url", hs.URL, "--project", "app", "--project-version", "1", "--ca-cert", ca, venv); code != ExitOK {
		t.Errorf("with --ca-cert: exit %d %s", code, out)
	}
}
