package dtrack

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/testutil/dtrackserver"
)

const key = "odt_s3cr3t-key"

var bom = []byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": []}`)

func setup(t *testing.T, perms ...string) (*dtrackserver.Server, *Client) {
	c := dtrackserver.New()
	c.Keys[key] = perms
	c.Projects["app@1.0"] = true
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	var slept []time.Duration
	cl := &Client{URL: srv.URL, APIKey: key, HTTP: srv.Client(), Retries: 3,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	return c, cl
}

// noKey asserts an error never shows the API key.
func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), key) {
		t.Errorf("the API key is in the error: %v", err)
	}
}

func TestUploadPUT(t *testing.T) {
	c, cl := setup(t, "BOM_UPLOAD")
	tok, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0", Tags: []string{"ci", "python"}, Latest: true}, bom)
	if err != nil || tok == "" {
		t.Fatalf("%q %v", tok, err)
	}
	if len(c.Uploads) != 1 || c.Uploads[0] != "PUT /api/v1/bom" || string(c.BOMs[0]) != string(bom) {
		t.Errorf("uploads %v", c.Uploads)
	}
	if strings.Join(c.LastTags, ",") != "ci,python" || !c.LastLatest {
		t.Errorf("tags %v latest %v", c.LastTags, c.LastLatest)
	}
	// --wait: processing twice, then done.
	polls := 0
	if err := cl.Wait(context.Background(), tok, time.Millisecond, time.Minute, func(time.Duration) { polls++ }); err != nil || polls != 2 {
		t.Errorf("wait: %v after %d polls", err, polls)
	}
}

func TestUploadMultipartAboveCap(t *testing.T) {
	c, cl := setup(t, "BOM_UPLOAD")
	defer func(n, m int) { maxBase64, dtrackserver.MaxBase64 = n, m }(maxBase64, dtrackserver.MaxBase64)
	maxBase64, dtrackserver.MaxBase64 = 16, 16
	if _, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom); err != nil {
		t.Fatal(err)
	}
	if c.Uploads[0] != "POST /api/v1/bom" || string(c.BOMs[0]) != string(bom) {
		t.Errorf("uploads %v", c.Uploads)
	}
	if _, err := cl.UploadVEX(context.Background(), Project{Name: "app", Version: "1.0"}, bom); err == nil || !strings.Contains(err.Error(), "VULNERABILITY_ANALYSIS") {
		t.Errorf("VEX without the permission: %v", err)
	}
}

func TestErrorsUsersCanActOn(t *testing.T) {
	for _, tt := range []struct {
		name  string
		perms []string
		key   string
		p     Project
		want  string
	}{
		{"bad key", []string{"BOM_UPLOAD"}, "wrong", Project{Name: "app", Version: "1.0"}, "the API key was rejected (401)"},
		{"no permission", []string{"VIEW_PORTFOLIO"}, key, Project{Name: "app", Version: "1.0"}, "lacks a permission (403): BOM_UPLOAD"},
		{"no project", []string{"BOM_UPLOAD"}, key, Project{Name: "other", Version: "1"}, "not found (404): The project could not be found.; --auto-create creates the project"},
		{"may not create", []string{"BOM_UPLOAD"}, key, Project{Name: "other", Version: "1", AutoCreate: true}, "may not create projects: it needs PORTFOLIO_MANAGEMENT, PORTFOLIO_MANAGEMENT_CREATE or PROJECT_CREATION_UPLOAD"},
		{"no parent", []string{"BOM_UPLOAD", "PROJECT_CREATION_UPLOAD"}, key, Project{Name: "other", Version: "1", AutoCreate: true, ParentName: "nope", ParentVersion: "1"}, "The parent project could not be found."},
	} {
		c, cl := setup(t, tt.perms...)
		cl.APIKey = tt.key
		_, err := cl.UploadBOM(context.Background(), tt.p, bom)
		var e *Error
		if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
		noKey(t, err)
		if c.Requests != 1 {
			t.Errorf("%s: %d requests; a 4xx is not retried", tt.name, c.Requests)
		}
	}
	// Auto-create with the permission, under an existing parent.
	c, cl := setup(t, "BOM_UPLOAD", "PROJECT_CREATION_UPLOAD")
	if _, err := cl.UploadBOM(context.Background(), Project{Name: "new", Version: "2", AutoCreate: true, ParentName: "app", ParentVersion: "1.0"}, bom); err != nil || !c.Projects["new@2"] || c.LastParent != "app@1.0" {
		t.Errorf("auto-create: %v %v %q", err, c.Projects, c.LastParent)
	}
}

func TestRetries(t *testing.T) {
	c, cl := setup(t, "BOM_UPLOAD")
	c.FailFirst = 2
	var waits []time.Duration
	cl.Backoff = time.Second
	cl.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if _, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 2 || waits[0] != time.Second || waits[1] != 2*time.Second || c.Requests != 3 {
		t.Errorf("waits %v, requests %d", waits, c.Requests)
	}
	c.FailFirst = 10
	_, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("after the retries: %v", err)
	}
	// A server that is not there: the connection is refused.
	cl2 := &Client{URL: "http://127.0.0.1:1", APIKey: key, Retries: 1, Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err = cl2.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom)
	if err == nil || !strings.Contains(err.Error(), "Dependency-Track at http://127.0.0.1:1") {
		t.Errorf("refused: %v", err)
	}
	noKey(t, err)
}

func TestOlderServerToken(t *testing.T) {
	c, cl := setup(t, "BOM_UPLOAD")
	c.OldServer = true
	tok, _ := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom)
	busy, err := cl.Processing(context.Background(), tok)
	if err != nil || !busy {
		t.Errorf("older server: %v %v", busy, err)
	}
	err = cl.Wait(context.Background(), tok, time.Millisecond, 0, nil)
	if err == nil || !strings.Contains(err.Error(), "still processing") {
		t.Errorf("timeout: %v", err)
	}
}

func TestTLS(t *testing.T) {
	c := dtrackserver.New()
	c.Keys[key] = []string{"BOM_UPLOAD"}
	c.Projects["app@1.0"] = true
	srv := httptest.NewTLSServer(c)
	defer srv.Close()
	cl := &Client{URL: srv.URL, APIKey: key, HTTP: &http.Client{}}
	_, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom)
	if err == nil || !strings.Contains(err.Error(), "TLS") || !strings.Contains(err.Error(), "--ca-cert") {
		t.Errorf("untrusted certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	cl.HTTP = srv.Client()
	_ = pool
	if _, err := cl.UploadBOM(context.Background(), Project{Name: "app", Version: "1.0"}, bom); err != nil {
		t.Errorf("trusted: %v", err)
	}
}
