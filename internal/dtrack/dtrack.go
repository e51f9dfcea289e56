// Package dtrack is a client of the parts of OWASP Dependency-Track's v1
// REST API that pysbom feeds: BOM upload (PUT /api/v1/bom with the BOM
// base64-encoded in JSON, POST multipart above the server's 20,000,000
// character cap), VEX upload (PUT and POST /api/v1/vex) and the processing
// token (/api/v1/event/token/{uuid}, the older /api/v1/bom/token/{uuid}
// on 404). The contract is the server's own resource classes and tests,
// in ../shared/corpus/dependency-track.
//
// The API key goes in the X-Api-Key header and nowhere else: no error or
// message of this package contains it.
package dtrack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MaxBase64 is the longest base64 value the server accepts in a JSON
// body (its StreamReadConstraints' maximum string length); larger
// documents go as multipart.
const MaxBase64 = 20_000_000

// maxBase64 is MaxBase64, smaller in tests.
var maxBase64 = MaxBase64

// Client talks to one server.
type Client struct {
	URL    string // the server's base URL, such as https://dtrack.example.com
	APIKey string
	HTTP   *http.Client
	// Retries is how many times a request is retried after 429, 502, 503,
	// 504 or a broken connection; Backoff the first wait, doubled each
	// time (a Retry-After header wins).
	Retries int
	Backoff time.Duration
	// Sleep waits; tests replace it.
	Sleep func(context.Context, time.Duration) error
}

// Project names the project a document goes to.
type Project struct {
	UUID                      string
	Name, Version             string
	AutoCreate                bool
	ParentName, ParentVersion string
	ParentUUID                string
	Tags                      []string
	Latest                    bool
}

// Error is a response the server refused a request with, said so a user
// can act on it.
type Error struct {
	Status int
	Op     string // "upload the BOM"
	Detail string // the server's message, when it gave one
}

func (e *Error) Error() string {
	var why string
	switch e.Status {
	case http.StatusUnauthorized:
		if strings.Contains(e.Detail, "permission to create project") {
			why = "the API key may not create projects: it needs PORTFOLIO_MANAGEMENT, PORTFOLIO_MANAGEMENT_CREATE or PROJECT_CREATION_UPLOAD"
		} else {
			why = "the API key was rejected (401): check PYSBOM_DT_API_KEY or --api-key-file"
		}
	case http.StatusForbidden:
		why = "the API key lacks a permission (403): " + e.permission()
	case http.StatusNotFound:
		why = "not found (404): " + nonEmpty(e.Detail, "no such project") + "; --auto-create creates the project"
	case http.StatusConflict:
		why = "conflict (409): " + nonEmpty(e.Detail, "the project exists already")
	case http.StatusRequestEntityTooLarge:
		why = "too large for the server (413); its proxy or its limits refuse the document"
	default:
		why = fmt.Sprintf("the server answered %d %s", e.Status, http.StatusText(e.Status))
		if e.Detail != "" {
			why += ": " + e.Detail
		}
	}
	return fmt.Sprintf("Dependency-Track: cannot %s: %s", e.Op, why)
}

func (e *Error) permission() string {
	switch {
	case strings.Contains(e.Op, "VEX"):
		return "VULNERABILITY_ANALYSIS (or VULNERABILITY_ANALYSIS_UPDATE), and access to the project"
	case strings.Contains(e.Op, "BOM"):
		return "BOM_UPLOAD, and access to the project"
	}
	return nonEmpty(e.Detail, "see the server's log")
}

func nonEmpty(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// bomRequest is BomSubmitRequest's JSON.
type bomRequest struct {
	Project        string `json:"project,omitempty"`
	ProjectName    string `json:"projectName,omitempty"`
	ProjectVersion string `json:"projectVersion,omitempty"`
	ProjectTags    []tag  `json:"projectTags,omitempty"`
	AutoCreate     bool   `json:"autoCreate"`
	ParentUUID     string `json:"parentUUID,omitempty"`
	ParentName     string `json:"parentName,omitempty"`
	ParentVersion  string `json:"parentVersion,omitempty"`
	IsLatest       bool   `json:"isLatest"`
	BOM            string `json:"bom"`
}

type tag struct {
	Name string `json:"name"`
}

// UploadBOM sends a CycloneDX document to the project and returns the
// token of its processing.
func (c *Client) UploadBOM(ctx context.Context, p Project, bom []byte) (string, error) {
	const op = "upload the BOM"
	enc := base64.StdEncoding.EncodeToString(bom)
	if len(enc) <= maxBase64 {
		req := bomRequest{Project: p.UUID, ProjectName: p.Name, ProjectVersion: p.Version, AutoCreate: p.AutoCreate,
			ParentUUID: p.ParentUUID, ParentName: p.ParentName, ParentVersion: p.ParentVersion, IsLatest: p.Latest, BOM: enc}
		for _, t := range p.Tags {
			req.ProjectTags = append(req.ProjectTags, tag{t})
		}
		body, _ := json.Marshal(req)
		return c.token(ctx, op, http.MethodPut, "/api/v1/bom", "application/json", body)
	}
	fields := map[string]string{"projectName": p.Name, "projectVersion": p.Version, "autoCreate": strconv.FormatBool(p.AutoCreate),
		"parentName": p.ParentName, "parentVersion": p.ParentVersion, "parentUUID": p.ParentUUID, "project": p.UUID,
		"projectTags": strings.Join(p.Tags, ","), "isLatest": strconv.FormatBool(p.Latest)}
	body, ctype, err := multipartBody(fields, "bom", bom)
	if err != nil {
		return "", err
	}
	return c.token(ctx, op, http.MethodPost, "/api/v1/bom", ctype, body)
}

// UploadVEX sends a CycloneDX VEX document to the project.
func (c *Client) UploadVEX(ctx context.Context, p Project, vex []byte) (string, error) {
	const op = "upload the VEX"
	enc := base64.StdEncoding.EncodeToString(vex)
	if len(enc) <= maxBase64 {
		body, _ := json.Marshal(struct {
			Project        string `json:"project,omitempty"`
			ProjectName    string `json:"projectName,omitempty"`
			ProjectVersion string `json:"projectVersion,omitempty"`
			VEX            string `json:"vex"`
		}{p.UUID, p.Name, p.Version, enc})
		return c.token(ctx, op, http.MethodPut, "/api/v1/vex", "application/json", body)
	}
	body, ctype, err := multipartBody(map[string]string{"project": p.UUID, "projectName": p.Name, "projectVersion": p.Version}, "vex", vex)
	if err != nil {
		return "", err
	}
	return c.token(ctx, op, http.MethodPost, "/api/v1/vex", ctype, body)
}

// Processing reports whether the server is still processing the upload of
// token.
func (c *Client) Processing(ctx context.Context, token string) (bool, error) {
	var r struct {
		Processing bool `json:"processing"`
	}
	for _, path := range []string{"/api/v1/event/token/", "/api/v1/bom/token/"} {
		resp, err := c.do(ctx, http.MethodGet, path+url.PathEscape(token), "", nil)
		if err != nil {
			return false, err
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound && path == "/api/v1/event/token/" {
			continue // an older server
		}
		if resp.StatusCode != http.StatusOK {
			return false, &Error{Status: resp.StatusCode, Op: "ask about the upload's processing", Detail: detail(data)}
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return false, fmt.Errorf("Dependency-Track: the token's status is not JSON: %v", err)
		}
		return r.Processing, nil
	}
	return false, nil
}

// Wait polls the token until the server has processed the upload, or
// the timeout passes; progress is called before each poll.
func (c *Client) Wait(ctx context.Context, token string, every, timeout time.Duration, progress func(elapsed time.Duration)) error {
	start := time.Now()
	for {
		busy, err := c.Processing(ctx, token)
		if err != nil {
			return err
		}
		if !busy {
			return nil
		}
		elapsed := time.Since(start)
		if elapsed >= timeout {
			return fmt.Errorf("Dependency-Track: still processing the upload after %s (token %s); it goes on on the server", timeout.Round(time.Second), token)
		}
		if progress != nil {
			progress(elapsed)
		}
		if err := c.sleep(ctx, every); err != nil {
			return err
		}
	}
}

// token sends a request that answers with a processing token.
func (c *Client) token(ctx context.Context, op, method, path, ctype string, body []byte) (string, error) {
	resp, err := c.do(ctx, method, path, ctype, body)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", &Error{Status: resp.StatusCode, Op: op, Detail: detail(data)}
	}
	var r struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Token == "" {
		return "", fmt.Errorf("Dependency-Track: cannot %s: the answer holds no token", op)
	}
	return r.Token, nil
}

// do sends one request, retried with backoff after 429, 502, 503, 504 and
// broken connections; never after another status.
func (c *Client) do(ctx context.Context, method, path, ctype string, body []byte) (*http.Response, error) {
	u := strings.TrimRight(c.URL, "/") + path
	wait := c.Backoff
	if wait <= 0 {
		wait = time.Second
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("Dependency-Track: %v", err)
		}
		req.Header.Set("X-Api-Key", c.APIKey)
		req.Header.Set("Accept", "application/json")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := c.client().Do(req)
		retry := false
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			if !transient(err) || attempt >= c.Retries {
				return nil, connError(c.URL, err)
			}
			retry = true
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusBadGateway ||
			resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout:
			if attempt >= c.Retries {
				return resp, nil
			}
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 && s < 600 {
				wait = time.Duration(s) * time.Second
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			retry = true
		default:
			return resp, nil
		}
		if retry {
			if err := c.sleep(ctx, wait); err != nil {
				return nil, err
			}
			wait *= 2
		}
	}
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 5 * time.Minute}
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transient reports whether a failed request may succeed if sent again:
// a connection reset or refused, a timeout.
func transient(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.As(err, &ne) && ne.Timeout()
}

// connError says why no answer came: TLS, a timeout, a refused connection.
func connError(server string, err error) error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	switch {
	case strings.Contains(msg, "certificate"):
		return fmt.Errorf("Dependency-Track at %s: TLS: %s (--ca-cert FILE trusts another certificate authority)", server, msg)
	case strings.Contains(msg, "Client.Timeout") || strings.Contains(msg, "timeout"):
		return fmt.Errorf("Dependency-Track at %s: no answer in time: %s", server, msg)
	}
	return fmt.Errorf("Dependency-Track at %s: %s", server, msg)
}

// detail is the server's message: the detail of an RFC 9457 problem, or
// the plain text it sent.
func detail(body []byte) string {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &p) == nil && (p.Detail != "" || p.Title != "") {
		return strings.TrimSpace(strings.TrimSpace(p.Title + ": " + p.Detail))
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func multipartBody(fields map[string]string, fileField string, file []byte) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, k := range []string{"project", "projectName", "projectVersion", "autoCreate", "parentUUID", "parentName", "parentVersion", "projectTags", "isLatest"} {
		if v := fields[k]; v != "" {
			if err := w.WriteField(k, v); err != nil {
				return nil, "", err
			}
		}
	}
	fw, err := w.CreateFormFile(fileField, fileField+".json")
	if err != nil {
		return nil, "", err
	}
	fw.Write(file)
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}
