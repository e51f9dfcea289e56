package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/glob"
	"github.com/pysbom/pysbom/internal/image"
	"github.com/pysbom/pysbom/internal/native/audit"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/target"
)

func auditCommand() *command {
	var checks strings.Builder
	for _, c := range harden.Checks {
		info := ""
		if c.Info {
			info = " (informational)"
		}
		fmt.Fprintf(&checks, "  %-19s %s%s\n", c.ID, c.Title, info)
	}
	return &command{
		name: "audit", args: "[TARGET...]",
		summary: "hardening, languages and bundled C libraries of every native binary",
		help: `A TARGET is a native binary, a wheel, a folder (an environment, a prefix, any tree; in a folder
of wheels and sdists, the wheels' members too), or a
container image or root file system as pysbom sbom names them (docker-archive:, oci-dir:,
oci-archive:, registry:, dir:), whose Python installations' binaries are audited; without one,
the site-packages of $VIRTUAL_ENV or else of the python3 on PATH. Every ELF binary gets its
kind, the OpenSSF hardening checks with their evidence, its languages and memory-safe share, and
the C libraries found in it. Checks:
` + checks.String(),
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := newOutputs(fs, output.Audits, output.Audits.Default)
			failOn := fs.String("fail-on", "", "exit 3 when a binary with C/C++ code fails one of these `CHECKS` (comma-separated check IDs, or \"core\" for "+strings.Join(audit.CoreChecks, ",")+"); a binary that cannot be parsed always counts")
			execInterp := execFlags(fs)
			var exclude listFlag
			fs.Var(&exclude, "exclude", "do not examine paths matching `GLOB`, relative to a folder audited (repeatable; ** matches any number of folders: **/tests/**)")
			allPlatforms := fs.Bool("all-platforms", false, "with --fail-on, count binaries for another platform than this one too (the Windows launchers pip and setuptools ship in a Linux environment)")
			return func(ctx context.Context, pos []string) error {
				for _, g := range exclude {
					if !glob.Valid(g) {
						return &usageError{msg: fmt.Sprintf("--exclude %q: not a glob", g)}
					}
				}
				return runAudit(ctx, e, pos, outs, *failOn, *execInterp, *allPlatforms, exclude)
			}
		},
	}
}

func runAudit(ctx context.Context, e *env, pos []string, outs *outputsFlag, failOn string, execInterp, allPlatforms bool, exclude []string) error {
	failChecks, err := parseFailChecks(failOn)
	if err != nil {
		return err
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	rep, err := auditTarget(ctx, e, pos, execInterp, exclude, nil)
	if err != nil {
		return err
	}
	doc := &output.Audit{Report: rep, Tool: tool()}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.Audits.Write(w, format, doc) }); err != nil {
		return err
	}
	for _, b := range rep.Binaries {
		if b.Error != "" {
			fmt.Fprintf(e.stderr, "pysbom: %s: %s\n", b.Path, b.Error)
		}
	}
	if failChecks != nil {
		n, foreign := rep.Failing(failChecks, allPlatforms)
		if foreign > 0 {
			fmt.Fprintf(e.stderr, "pysbom: %s for another platform than %s not counted by --fail-on (--all-platforms counts them)\n",
				output.Count(foreign, "failing binary"), audit.HostFormat())
		}
		if n > 0 {
			verb := "fail"
			if n == 1 {
				verb = "fails"
			}
			return &findingsError{fmt.Sprintf("%s %s --fail-on %s", output.Count(n, "binary"), verb, failOn)}
		}
	}
	return nil
}

// known are binaries examined already, by path (see audit.Options.Known).
func auditTarget(ctx context.Context, e *env, pos []string, execInterp bool, exclude []string, known map[string]*audit.Binary) (*audit.Report, error) {
	if len(pos) > 0 {
		rep := &audit.Report{Target: strings.Join(pos, " ")}
		for _, p := range pos {
			if isImage(p) {
				r, err := auditImage(ctx, e, p, exclude)
				if err != nil {
					return nil, err
				}
				rep.Binaries = append(rep.Binaries, r.Binaries...)
				continue
			}
			paths := []string{p}
			if dir, files, ok := target.Artifacts(p); ok && dir != "" {
				// A folder of wheels and sdists: its files, and the members
				// of its wheels (an sdist holds no binaries).
				for _, f := range files {
					if isWheel(f) {
						paths = append(paths, f)
					}
				}
			}
			for _, p := range paths {
				prog := newProgress(e.progressOut, "examining files in "+p)
				r, err := audit.Audit(ctx, p, audit.Options{Progress: prog.update, Exclude: exclude, Known: known})
				prog.done()
				if err != nil {
					return nil, err
				}
				rep.Binaries = append(rep.Binaries, r.Binaries...)
			}
		}
		return rep, nil
	}
	envr, err := target.Resolve(ctx, "", target.Options{Getenv: e.getenv, Exec: execInterp})
	if err != nil {
		return nil, err
	}
	rep := &audit.Report{Target: envr.Path}
	for _, dir := range envr.SiteDirs {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		prog := newProgress(e.progressOut, "examining files in "+dir)
		r, err := audit.Audit(ctx, dir, audit.Options{Progress: prog.update, Exclude: exclude})
		prog.done()
		if err != nil {
			return nil, err
		}
		rep.Binaries = append(rep.Binaries, r.Binaries...)
	}
	return rep, nil
}

// parseFailChecks reads --fail-on: check IDs, or "core".
func parseFailChecks(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if id == "core" {
			out = append(out, audit.CoreChecks...)
			continue
		}
		if _, ok := harden.CheckByID(id); !ok {
			var ids []string
			for _, c := range harden.Checks {
				ids = append(ids, c.ID)
			}
			return nil, &usageError{msg: fmt.Sprintf("--fail-on: unknown check %q (want core or some of %s)", id, strings.Join(ids, ", "))}
		}
		out = append(out, id)
	}
	return out, nil
}

// countFailures counts the binaries with C/C++ code that fail one of the
// checks, and those that could not be parsed.

// isImage reports whether arg names a container image or root file
// system (a scheme, or an image archive or layout without one).
func isImage(arg string) bool {
	if _, ok, err := image.ParseRef(arg); ok || err != nil {
		return true
	}
	_, ok := image.Detect(arg)
	return ok && arg != ""
}

// auditImage audits the native binaries of every Python installation of
// an image or root file system, read through its tree as sbom reads it.
func auditImage(ctx context.Context, e *env, arg string, exclude []string) (*audit.Report, error) {
	var rep *audit.Report
	opts := extract.Options{WithTree: func(ctx context.Context, tree rootfs.Tree, native []extract.Native) error {
		prog := newProgress(e.progressOut, "examining files in "+arg)
		defer prog.done()
		var err error
		rep, err = audit.AuditTree(ctx, tree, auditDirs(native), audit.Options{Progress: prog.update, Exclude: exclude})
		return err
	}}
	if _, err := extract.Read(ctx, extract.Target{Arg: arg}, opts); err != nil {
		return nil, err
	}
	if rep == nil {
		rep = &audit.Report{}
	}
	rep.Target = arg
	return rep, nil
}

// auditDirs are an image's native binaries as the audit takes them.
func auditDirs(native []extract.Native) []audit.Dir {
	out := make([]audit.Dir, len(native))
	for i, n := range native {
		out[i] = audit.Dir{Name: n.Name, Owner: audit.Owner{Name: n.Owner, Version: n.Version}}
	}
	return out
}
