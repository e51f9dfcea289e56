package vulndb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/atomicfile"
)

// DefaultMirror is where osv.dev exports its records: one zip of every
// record of an ecosystem at <mirror>/<ecosystem>/all.zip.
const DefaultMirror = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems are the exports db update fetches unless told
// otherwise: PyPI for Python packages, crates.io and Go for the Rust
// crates and Go modules found inside native extensions. (Debian's and
// the C libraries' GIT-range records are much larger; they are fetched
// when asked for.)
var DefaultEcosystems = []string{"PyPI", "crates.io", "Go"}

// ExportURL is the URL of an ecosystem's export under a mirror.
func ExportURL(mirror, ecosystem string) string {
	return strings.TrimSuffix(mirror, "/") + "/" + url.PathEscape(ecosystem) + "/all.zip"
}

// maxDownload bounds a downloaded export.
const maxDownload = 2 << 30

// UpdateResult says what an update did.
type UpdateResult struct {
	URL         string
	NotModified bool
	Report      *Report
}

// Update downloads url (a zip of OSV JSON records) unless the server says
// it has not changed since the last update (ETag), and imports it. The
// download goes to a temporary file beside the database; the import is
// atomic as always.
func Update(ctx context.Context, dbPath, url string, client *http.Client, opt Options) (*UpdateResult, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	res := &UpdateResult{URL: url}
	etag := storedETag(dbPath, url)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		res.NotModified = true
		return res, nil
	case http.StatusOK:
	default:
		return nil, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	if err := os.MkdirAll(dirOf(dbPath), 0o755); err != nil {
		return nil, err
	}
	atomicfile.RemoveStale(dirOf(dbPath), ".download-", ".zip")
	tmp, err := os.OpenFile(filepath.Join(dirOf(dbPath), fmt.Sprintf(".download-%d.zip", os.Getpid())), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	var body io.Reader = io.LimitReader(resp.Body, maxDownload+1)
	if opt.Downloaded != nil {
		body = &counting{r: body, total: resp.ContentLength, report: opt.Downloaded}
	}
	n, err := io.Copy(tmp, body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	if n > maxDownload {
		return nil, fmt.Errorf("download %s: larger than %d GiB", url, maxDownload>>30)
	}
	opt.meta = map[string]string{"etag:" + url: resp.Header.Get("ETag")}
	opt.sourceName = url
	rep, err := Import(ctx, dbPath, []string{tmp.Name()}, opt)
	if err != nil {
		return nil, err
	}
	res.Report = rep
	return res, nil
}

// counting reports the bytes read through it.
type counting struct {
	r      io.Reader
	done   int64
	total  int64
	report func(done, total int64)
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	c.report(c.done, c.total)
	return n, err
}

// storedETag reads the ETag of the last download of url, if any.
func storedETag(dbPath, url string) string {
	d, err := Open(dbPath)
	if err != nil {
		return ""
	}
	defer d.Close()
	var v sql.NullString
	d.db.QueryRow(`SELECT value FROM meta WHERE key = ?`, "etag:"+url).Scan(&v)
	return v.String
}

func dirOf(p string) string { return filepath.Dir(p) }
