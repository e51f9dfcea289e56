package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/vulndb"
)

func dbCommand() *command {
	return &command{
		name:    "db",
		summary: "the local vulnerability database (OSV records)",
		help:    "The offline database scan matches against: OSV records in SQLite (default ~/.cache/pysbom/vulns.db, or $PYSBOM_DB).",
		subs: []*command{
			{name: "db import", args: "PATH...", summary: "add OSV records (folders of .json/.yaml, zips of .json, NVD CVE JSON 2.0 feeds)",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					dbPath := dbFlag(fs, e)
					noWait := noWaitFlag(fs)
					return func(ctx context.Context, pos []string) error { return dbImport(ctx, e, *dbPath, pos, *noWait) }
				}},
			{name: "db update", summary: "download osv.dev's exports (PyPI, crates.io, Go; each only if changed) and import them",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					dbPath := dbFlag(fs, e)
					noWait := noWaitFlag(fs)
					url := fs.String("url", "", "the `URL` of one zip of OSV JSON records, instead of --mirror and --ecosystem")
					mirror := fs.String("mirror", vulndb.DefaultMirror, "where the exports are, as `URL`/ECOSYSTEM/all.zip")
					var ecosystems listFlag
					fs.Var(&ecosystems, "ecosystem", "an `ECOSYSTEM` to fetch (repeatable; default PyPI, crates.io and Go; others: Debian, GIT, OSS-Fuzz, ...)")
					return func(ctx context.Context, pos []string) error {
						if len(pos) > 0 {
							return &usageError{msg: "db update takes no arguments; --url names one export", hint: "pysbom db update -h lists its flags"}
						}
						urls := []string{*url}
						if *url == "" {
							if len(ecosystems) == 0 {
								ecosystems = vulndb.DefaultEcosystems
							}
							urls = nil
							for _, eco := range ecosystems {
								urls = append(urls, vulndb.ExportURL(*mirror, eco))
							}
						}
						for _, u := range urls {
							if err := updateFrom(ctx, e, *dbPath, u, *noWait); err != nil {
								return err
							}
						}
						return nil
					}
				}},
			{name: "db status", summary: "what the database holds and how old it is",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					dbPath := dbFlag(fs, e)
					outs := newOutputs(fs, output.DBStatuses, output.DBStatuses.Default)
					return func(ctx context.Context, pos []string) error {
						if len(pos) > 0 {
							return &usageError{msg: "db status takes no arguments", hint: "pysbom db status -h lists its flags"}
						}
						if _, err := outs.outputs(); err != nil {
							return err
						}
						db, err := vulndb.Open(*dbPath)
						if err != nil {
							return err
						}
						defer db.Close()
						st, err := db.Status(ctx)
						if err != nil {
							return err
						}
						doc := &output.DBStatus{Status: st, Now: time.Now()}
						return outs.write(e.stdout, func(w io.Writer, format string) error { return output.DBStatuses.Write(w, format, doc) })
					}
				}},
		},
	}
}

func dbFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("db", defaultDB(e), "vulnerability database `FILE`")
}

func noWaitFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("no-wait", false, "fail at once when another import holds the database, instead of waiting for it")
}

func dbImport(ctx context.Context, e *env, dbPath string, pos []string, noWait bool) error {
	if len(pos) == 0 {
		return &usageError{msg: "db import needs at least one PATH (a folder of OSV records, a record, or a zip)", hint: "pysbom db import -h"}
	}
	prog := newProgress(e.progressOut, "records imported:")
	rep, err := vulndb.Import(ctx, dbPath, pos, vulndb.Options{Progress: func(n int) { prog.update(int64(n), -1) },
		NoWait: noWait, Waiting: waiting(e, dbPath)})
	prog.done()
	if err != nil {
		var nothing *vulndb.NothingError
		if errors.As(err, &nothing) {
			for _, s := range nothing.Skipped {
				fmt.Fprintf(e.stderr, "pysbom: warning: skipped %v\n", s.Err)
			}
		}
		return err
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stderr, "pysbom: warning: skipped %v\n", s.Err)
	}
	fmt.Fprintf(e.stdout, "imported %s into %s (%d skipped)\n", output.Count(rep.Imported, "record"), dbPath, len(rep.Skipped))
	return nil
}

// waiting tells the user why an import does not start yet.
func waiting(e *env, dbPath string) func() {
	return func() {
		fmt.Fprintf(e.stderr, "pysbom: waiting for another import into %s to finish (--no-wait fails instead)\n", dbPath)
	}
}

// defaultDB is $PYSBOM_DB or the database under the user's cache directory.
func defaultDB(e *env) string {
	if p := e.getenv("PYSBOM_DB"); p != "" {
		return p
	}
	if os.Getenv("HOME") == "" && e.getenv("XDG_CACHE_HOME") == "" {
		return "vulns.db"
	}
	return vulndb.DefaultPath()
}

// updateFrom downloads one export, if it changed, and imports it.
func updateFrom(ctx context.Context, e *env, dbPath, url string, noWait bool) error {
	download, imported := newProgress(e.progressOut, "bytes downloaded:"), newProgress(e.progressOut, "records imported:")
	res, err := vulndb.Update(ctx, dbPath, url, nil, vulndb.Options{
		Downloaded: func(done, total int64) {
			if total <= 0 {
				total = -1
			}
			download.update(done, total)
		},
		Progress: func(n int) {
			download.done()
			imported.update(int64(n), -1)
		},
		NoWait: noWait, Waiting: waiting(e, dbPath)})
	download.done()
	imported.done()
	if err != nil {
		return err
	}
	if res.NotModified {
		fmt.Fprintf(e.stdout, "%s has not changed since the last update\n", res.URL)
		return nil
	}
	for _, s := range res.Report.Skipped {
		fmt.Fprintf(e.stderr, "pysbom: warning: skipped %v\n", s.Err)
	}
	fmt.Fprintf(e.stdout, "imported %s from %s into %s (%d skipped)\n", output.Count(res.Report.Imported, "record"), res.URL, dbPath, len(res.Report.Skipped))
	return nil
}
