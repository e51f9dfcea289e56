package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/native/audit"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/target"
)

func reportCommand() *command {
	return &command{
		name: "report", args: "[TARGET]",
		summary: "SBOM, scan and audit of a target on one HTML page",
		help: `The SBOM of TARGET (as pysbom sbom reads it), its scan against the local database (with the
flags of pysbom scan for the database, VEX and ignore rules) and the audit of its native binaries,
written as one self-contained HTML page (-o html=FILE), or as Markdown for a pull-request comment.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			o := scanFlags(fs, e)
			outs := newOutputs(fs, output.Reports, output.Reports.Default)
			files := fs.String("files", "count", "`count` the files of each component, or list them all")
			return func(ctx context.Context, pos []string) error { return runReport(ctx, e, pos, o, outs, *files) }
		},
	}
}

func runReport(ctx context.Context, e *env, pos []string, o *scanOptions, outs *outputsFlag, files string) error {
	defer debug.SetGCPercent(debug.SetGCPercent(250))
	if len(pos) > 1 {
		return &usageError{msg: "report takes one TARGET"}
	}
	if files != "count" && files != "all" {
		return &usageError{msg: fmt.Sprintf("--files %q: want count or all", files)}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	db, st, err := o.openDB(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	arg := ""
	if len(pos) == 1 {
		arg = pos[0]
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	// An image is audited while it is open for its SBOM; an environment's
	// distributions' binaries are examined as the SBOM reads them, not
	// read again.
	var rep *audit.Report
	opts := extract.Options{}
	known := &examined{byPath: map[string]*audit.Binary{}}
	opts.Examined = known.add
	if isImage(arg) {
		opts.WithTree = func(ctx context.Context, tree rootfs.Tree, native []extract.Native) error {
			var err error
			rep, err = audit.AuditTree(ctx, tree, auditDirs(native), audit.Options{Known: known.byPath})
			if rep != nil {
				rep.Target = arg
			}
			return err
		}
	}
	inv, err := buildInventory(ctx, e, arg, opts, o.in)
	if err != nil {
		return err
	}
	res, err := o.scan(ctx, e, db, inv, nil, arg)
	if err != nil {
		return err
	}
	if !isImage(arg) {
		if rep, err = reportAudit(ctx, e, arg, o, known.byPath); err != nil {
			return err
		}
	}
	doc := &output.Report{SBOM: &output.SBOM{Inventory: inv, Created: created, Tool: tool()},
		Scan:     &output.Scan{DB: st, Result: res, Inventory: inv, Target: arg, Created: created, Tool: tool()},
		FilesAll: files == "all"}
	if rep != nil {
		doc.Audit = &output.Audit{Report: rep, Tool: tool()}
	}
	gate := o.gate(res)
	if o.failOn != "" || o.failUnscanned {
		doc.Verdict, doc.Failed = "passes the gate asked for (--fail-on "+o.failOn+")", gate != nil
		if gate != nil {
			doc.Verdict = "fails: " + gate.Error()
		}
	}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.Reports.Write(w, format, doc) }); err != nil {
		return err
	}
	return gate
}

// reportAudit audits the native binaries of what arg names: the
// environment's site directories, a wheel or folder of wheels; nothing for
// a lock file.
func reportAudit(ctx context.Context, e *env, arg string, o *scanOptions, known map[string]*audit.Binary) (*audit.Report, error) {
	if isFile(arg) && !isWheel(arg) {
		return nil, nil // a lock or requirements file: no binaries
	}
	if _, _, ok := target.Artifacts(arg); ok && arg != "" {
		return auditTarget(ctx, e, []string{arg}, false, nil, known) // a wheel, or a folder of wheels and sdists
	}
	envr, err := target.Resolve(ctx, arg, target.Options{Getenv: e.getenv, Exec: *o.in.exec})
	if err != nil {
		return nil, err
	}
	dirs := envr.SiteDirs
	if v := strings.Split(envr.Interpreter.Version, "."); envr.Kind == "prefix" && len(v) >= 2 {
		// A prefix's own extension modules are native code too.
		dirs = append([]string{filepath.Join(envr.Path, "lib", "python"+v[0]+"."+v[1], "lib-dynload")}, dirs...)
	}
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return &audit.Report{Target: envr.Path}, nil
	}
	rep, err := auditTarget(ctx, e, found, false, nil, known)
	if rep != nil {
		rep.Target = envr.Path
	}
	return rep, err
}

// examined keeps the audit of each binary the SBOM of an environment
// parses, by its path on disk.
type examined struct {
	mu     sync.Mutex
	byPath map[string]*audit.Binary
}

func (x *examined) add(path string, f *elffile.File, strs []byte) {
	b := audit.ExamineStrings(f, strs)
	x.mu.Lock()
	x.byPath[filepath.Clean(path)] = b
	x.mu.Unlock()
}

func isWheel(arg string) bool {
	return len(arg) > 4 && arg[len(arg)-4:] == ".whl"
}
