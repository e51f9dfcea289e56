package vulndb

import (
	"archive/zip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/atomicfile"
	"github.com/pysbom/pysbom/internal/nvd"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// Report says what an import did.
type Report struct {
	Imported int
	// Skipped are the records that were not imported, with the reason.
	Skipped []Skipped
}

// Skipped is a record that was not imported.
type Skipped struct {
	File string
	Err  error
}

// Options control an import.
type Options struct {
	// Now is the import time recorded for each source.
	Now time.Time
	// Progress, when set, is called after each record.
	Progress func(done int)
	// Downloaded, when set, is called as Update downloads, with the bytes
	// so far and the size the server announced (-1 when it did not).
	Downloaded func(done, total int64)
	// meta is written into the meta table with the records (Update's ETag).
	meta map[string]string
	// sourceName replaces the path as the recorded source name (a URL).
	sourceName string
	// NoWait makes an import fail at once when another one holds the
	// database; by default it waits, calling Waiting first.
	NoWait  bool
	Waiting func()
}

// NothingError is an import of a path that yields no record.
type NothingError struct {
	Path    string
	Skipped []Skipped
}

func (e *NothingError) Error() string {
	if len(e.Skipped) == 0 {
		return fmt.Sprintf("%s holds no OSV records (.json or .yaml files, or a zip of them); the database is unchanged", e.Path)
	}
	return fmt.Sprintf("%s: none of its %d records could be imported (first: %v); the database is unchanged", e.Path, len(e.Skipped), e.Skipped[0].Err)
}

// maxSkew is how far in the future a record's modified time may be
// (clocks differ) before the record is refused.
const maxSkew = 24 * time.Hour

// ErrBusy is returned with NoWait when another import holds the database.
var ErrBusy = errors.New("another pysbom is importing into it")

// lock takes the database's lock file (DB.lock) for the whole import:
// two imports into one database run one after the other, and neither
// loses what the other wrote.
func lock(ctx context.Context, dbPath string, opt Options) (func(), error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dbPath, err)
	}
	for waited := false; ; {
		busy, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", dbPath, err)
		}
		if !busy {
			return func() { f.Close() }, nil
		}
		if opt.NoWait {
			f.Close()
			return nil, fmt.Errorf("%s: %w (drop --no-wait to wait for it)", dbPath, ErrBusy)
		}
		if !waited && opt.Waiting != nil {
			opt.Waiting()
		}
		waited = true
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Import adds the OSV records under each path (a folder of .json/.yaml
// files, such as a PyPA advisory-database checkout, or a .zip of .json
// files such as osv.dev's all.zip) to the database at dbPath, creating it
// if needed. A record that does not parse or breaks the OSV rules is
// skipped and reported, never fatal. The import is atomic.
func Import(ctx context.Context, dbPath string, paths []string, opt Options) (*Report, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(ctx, dbPath, opt)
	if err != nil {
		return nil, err
	}
	defer unlock()
	atomicfile.RemoveStaleOf(dbPath, "import")
	tmp := atomicfile.TempName(dbPath, "import")
	os.Remove(tmp)
	oldInfo, statErr := os.Stat(dbPath)
	if statErr == nil {
		if !writable(dbPath) {
			return nil, fmt.Errorf("%s is read-only (mode %s); not replaced", dbPath, oldInfo.Mode().Perm())
		}
		if err := copyFile(tmp, dbPath); err != nil {
			return nil, fmt.Errorf("copy %s: %w", dbPath, err)
		}
		// The copy must be a database this pysbom can extend.
		old, err := Open(tmp)
		if err != nil {
			os.Remove(tmp)
			return nil, err
		}
		old.Close()
	}
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	db, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=journal_mode(off)&_pragma=synchronous(full)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, layout); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, fmt.Sprint(SchemaVersion)); err != nil {
		return nil, err
	}
	for k, v := range opt.meta {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, k, v); err != nil {
			return nil, err
		}
	}
	rep := &Report{}
	for _, p := range paths {
		abs, _ := filepath.Abs(p)
		skipped := len(rep.Skipped)
		n, err := importPath(ctx, tx, abs, rep, opt)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			// A gate that passes on no data misleads: nothing is written.
			return rep, &NothingError{Path: p, Skipped: rep.Skipped[skipped:]}
		}
		name := abs
		if opt.sourceName != "" {
			name = opt.sourceName
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO sources (source, imported, records) VALUES (?, ?, ?)`,
			name, opt.Now.UTC().Format(time.RFC3339), n); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("write database: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if f, err := os.Open(tmp); err == nil {
		f.Sync()
		f.Close()
	}
	if statErr == nil { // the new file keeps the mode and owner of the one it replaces
		os.Chmod(tmp, oldInfo.Mode().Perm())
		keepOwner(tmp, oldInfo)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return nil, fmt.Errorf("replace %s: %w", dbPath, err)
	}
	ok = true
	return rep, nil
}

func importPath(ctx context.Context, tx *sql.Tx, path string, rep *Report, opt Options) (int, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	n := 0
	add := func(name string, data []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		// An NVD feed holds many CVEs, converted to OSV records; anything
		// else is one OSV record.
		var recs []*osv.Record
		var err error
		if nvd.IsFeed(data) {
			recs, err = nvd.Convert(data, name)
		} else {
			var r *osv.Record
			r, err = osv.Parse(data, name)
			recs = []*osv.Record{r}
		}
		if err != nil {
			rep.Skipped = append(rep.Skipped, Skipped{name, err})
			return nil
		}
		for _, r := range recs {
			// A record from the future would pass for the newest data
			// for ever and silence every staleness check.
			if m, err := time.Parse(time.RFC3339, r.Modified); err == nil && m.After(opt.Now.Add(maxSkew)) {
				rep.Skipped = append(rep.Skipped, Skipped{name, fmt.Errorf("%s: modified %s is in the future", r.ID, r.Modified)})
				continue
			}
			source := path
			if opt.sourceName != "" {
				source = opt.sourceName // the URL, not the download's temporary file
			}
			if err := store(ctx, tx, r, source); err != nil {
				return err
			}
			n++
			rep.Imported++
		}
		if opt.Progress != nil {
			opt.Progress(rep.Imported)
		}
		return nil
	}
	if !fi.IsDir() {
		if !strings.HasSuffix(path, ".zip") {
			data, err := os.ReadFile(path)
			if err != nil {
				return 0, err
			}
			return n, add(path, data)
		}
		zr, err := zip.OpenReader(path)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if f.FileInfo().IsDir() || !isRecordName(f.Name) {
				continue
			}
			if f.UncompressedSize64 > osv.MaxSize {
				rep.Skipped = append(rep.Skipped, Skipped{path + ":" + f.Name, fmt.Errorf("larger than %d MiB", osv.MaxSize>>20)})
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return n, fmt.Errorf("%s: %s: %w", path, f.Name, err)
			}
			data, err := io.ReadAll(io.LimitReader(rc, osv.MaxSize+1))
			rc.Close()
			if err != nil {
				return n, fmt.Errorf("%s: %s: %w", path, f.Name, err)
			}
			if err := add(path+":"+f.Name, data); err != nil {
				return n, err
			}
		}
		return n, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || strings.HasPrefix(e.Name(), ".")) && p != path {
			return filepath.SkipDir
		}
		if e.Type().IsRegular() && isRecordName(e.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			rep.Skipped = append(rep.Skipped, Skipped{f, err})
			continue
		}
		if err := add(f, data); err != nil {
			return n, err
		}
	}
	return n, nil
}

func isRecordName(name string) bool {
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// store writes one record (in osv's compact form) and its package index rows.
func store(ctx context.Context, tx *sql.Tx, r *osv.Record, source string) error {
	data, err := r.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM affected WHERE id = ?`, r.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO records (id, modified, withdrawn, source, data) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.Modified, r.Withdrawn, source, data); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range r.Affected {
		eco := osv.EcosystemBase(a.Package.Ecosystem)
		name := a.Package.Name
		if eco == "PyPI" {
			name = pep503.Normalize(name)
		}
		if name == "" || seen[eco+"/"+name] {
			continue
		}
		seen[eco+"/"+name] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO affected (ecosystem, name, id) VALUES (?, ?, ?)`, eco, name, r.ID); err != nil {
			return err
		}
	}
	// GIT ranges are indexed by repository, for native components
	// matched by upstream tag.
	for _, a := range r.Affected {
		for _, rg := range a.Ranges {
			repo := osv.NormalizeRepo(rg.Repo)
			if rg.Type != "GIT" || repo == "" || seen["GIT/"+repo] {
				continue
			}
			seen["GIT/"+repo] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO affected (ecosystem, name, id) VALUES (?, ?, ?)`, "GIT", repo, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
