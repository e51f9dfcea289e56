package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pysbom/pysbom/internal/vulndb"
)

func dbUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: pysbom db import [--db PATH] PATH...   add OSV records (folders of .json/.yaml, zips of .json)")
	fmt.Fprintln(w, "       pysbom db update [--db PATH] [--ecosystem E]... [--mirror URL | --url URL]")
	fmt.Fprintln(w, "                                              download osv.dev's exports (PyPI, crates.io, Go; each if changed) and import them")
	fmt.Fprintln(w, "       pysbom db status [--db PATH]           what the database holds and how old it is")
}

func runDB(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		dbUsage(e.stderr)
		if len(args) == 0 {
			return &usageError{"db needs a subcommand: import, update or status"}
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("db "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		dbUsage(e.stderr)
		fmt.Fprintln(e.stderr, "\nflags:")
		fs.PrintDefaults()
	}
	dbPath := fs.String("db", defaultDB(e), "vulnerability database `FILE`")
	url := fs.String("url", "", "for update: the `URL` of one zip of OSV JSON records, instead of --mirror and --ecosystem")
	mirror := fs.String("mirror", vulndb.DefaultMirror, "for update: where the exports are, as `URL`/ECOSYSTEM/all.zip")
	noWait := fs.Bool("no-wait", false, "for import and update: fail at once when another import holds the database, instead of waiting for it")
	var ecosystems listFlag
	fs.Var(&ecosystems, "ecosystem", "for update: an `ECOSYSTEM` to fetch (repeatable; default PyPI, crates.io and Go; others: Debian, GIT, OSS-Fuzz, ...)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "import":
		if len(pos) == 0 {
			return &usageError{"db import needs at least one PATH (a folder of OSV records, a record, or a zip)"}
		}
		prog := newProgress(e.progressOut, "records imported:")
		rep, err := vulndb.Import(ctx, *dbPath, pos, vulndb.Options{Progress: func(n int) { prog.update(int64(n), -1) },
			NoWait: *noWait, Waiting: waiting(e, *dbPath)})
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
		fmt.Fprintf(e.stdout, "imported %d records into %s (%d skipped)\n", rep.Imported, *dbPath, len(rep.Skipped))
		return nil
	case "update":
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
	case "status":
		db, err := vulndb.Open(*dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		st, err := db.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "database: %s\nrecords:  %d (%d withdrawn) for %d packages and %d upstream repositories\nnewest:   %s\n", st.Path, st.Records, st.Withdrawn, st.Packages, st.Repos, st.Newest)
		for _, s := range st.Sources {
			fmt.Fprintf(e.stdout, "source:   %s (%d records, imported %s, %s ago", s.Name, s.Records, s.Imported.Format(time.RFC3339), time.Since(s.Imported).Round(time.Minute))
			if !s.Newest.IsZero() {
				fmt.Fprintf(e.stdout, "; newest advisory %s, %.0f days old", s.Newest.Format("2006-01-02"), time.Since(s.Newest).Hours()/24)
			}
			fmt.Fprintln(e.stdout, ")")
		}
		return nil
	}
	return &usageError{fmt.Sprintf("unknown db subcommand %q (want import, update or status)", sub)}
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
	fmt.Fprintf(e.stdout, "imported %d records from %s into %s (%d skipped)\n", res.Report.Imported, res.URL, dbPath, len(res.Report.Skipped))
	return nil
}
