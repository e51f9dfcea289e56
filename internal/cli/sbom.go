package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
)

func sbomCommand() *command {
	return &command{
		name: "sbom", args: "[TARGET]",
		summary: "write an SBOM of a Python environment (default: the one in use)",
		help: `TARGET is a virtualenv, a site-packages or dist-packages folder, a Python prefix, a python
executable, a wheel or sdist or a folder of them, or a lock file (requirements*.txt,
constraints*.txt, *.in, poetry.lock, uv.lock, Pipfile.lock, pdm.lock, pylock.toml; --lock for
another name); without it, $VIRTUAL_ENV or else the python3 on PATH.
A container image or root file system is named as
  docker-archive:FILE[:TAG] docker save output (also gzip-compressed); TAG picks one of its RepoTags
  oci-dir:DIR[:TAG]         an OCI image layout; TAG is its org.opencontainers.image.ref.name
  oci-archive:FILE[:TAG]    a tar of an OCI image layout
  registry:HOST/REPO:TAG    pulled with your docker credentials (~/.docker/config.json)
  dir:DIR                   an unpacked root file system
and a docker archive, OCI layout or OCI archive is also recognised without its scheme. Its
SBOM holds the distribution's packages (dpkg, apk, rpm) and every Python installation in it
(conda environments with their packages), each component with the layer that added it;
--platform picks from a multi-platform index, --layers all adds what later layers removed.

Output is reproducible: the creation time comes from SOURCE_DATE_EPOCH when it is set.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := newOutputs(fs, output.SBOMs, output.SBOMs.Default)
			strict := fs.Bool("strict", false, "exit with code 3 when problems are found (modified, missing or unlisted files, unmet dependencies)")
			supplier := fs.String("supplier", "", "supplier of the environment, as `\"Organization: Name (email)\"` or \"Person: ...\" (default: NOASSERTION; the owner of a folder is not its supplier)")
			name := fs.String("name", "", "`name` of the root component (default: the target path)")
			files := fs.String("files", "python", "which files the SBOM lists, each with SHA-1 and SHA-256: `none`, python (those of every\nPython installation and distribution), or all (every file of an image or root file system too)")
			layers := fs.String("layers", "squashed", "of an image, `squashed`: what the final image holds, or all: also what earlier layers held and later\nones removed or replaced, each marked with the layer that removed it and not contained by the image")
			in := inputFlagsOf(fs)
			return func(ctx context.Context, pos []string) error {
				switch *files {
				case "none", "python", extract.FilesAll:
				default:
					return &usageError{msg: fmt.Sprintf("--files: %q is none of none, python, all", *files)}
				}
				if *layers != "squashed" && *layers != extract.LayersAll {
					return &usageError{msg: fmt.Sprintf("--layers: %q is neither squashed nor all", *layers)}
				}
				opts := extract.Options{Files: *files, Layers: *layers}
				return runSBOM(ctx, e, pos, outs, *strict, *supplier, *name, opts, in)
			}
		},
	}
}

func runSBOM(ctx context.Context, e *env, pos []string, outs *outputsFlag, strict bool, supplier, name string, opts extract.Options, in inputFlags) error {
	if len(pos) > 1 {
		return &usageError{msg: fmt.Sprintf("sbom takes one TARGET, got %d: %s", len(pos), strings.Join(pos, " "))}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	var sup inventory.Party
	if supplier != "" {
		if sup, err = parseParty(supplier); err != nil {
			return &usageError{msg: fmt.Sprintf("--supplier: %v", err)}
		}
	}
	arg := ""
	if len(pos) == 1 {
		arg = pos[0]
	}
	opts.Supplier, opts.Name = sup, name
	inv, err := buildInventory(ctx, e, arg, opts, in)
	if err != nil {
		return err
	}
	if opts.Files == "none" {
		for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
			p.Files = nil
		}
	}
	doc := &output.SBOM{Inventory: inv, Created: created, Tool: tool()}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.SBOMs.Write(w, format, doc) }); err != nil {
		return err
	}
	if !e.quiet {
		summarize(e.stderr, inv)
	}
	if strict {
		n := 0
		for _, p := range inv.Problems {
			if !p.Kind.Informational() {
				n++
			}
		}
		if n > 0 {
			return &findingsError{fmt.Sprintf("%s found (--strict)", output.Count(n, "problem"))}
		}
	}
	return nil
}

// tool is pysbom as the writer of a document.
func tool() output.Tool { return output.Tool{Name: "pysbom", Version: Version} }

// buildInventory reads what the user named, showing progress while an
// environment's files are hashed.
func buildInventory(ctx context.Context, e *env, arg string, opts extract.Options, in inputFlags) (*inventory.Inventory, error) {
	prog, layers := newProgress(e.progressOut, "hashing files"), newProgress(e.progressOut, "reading image layers")
	opts.Progress = func(done, total int64) { layers.done(); prog.update(done, total) }
	opts.Reading = layers.update
	inv, err := extract.Read(ctx, extract.Target{Arg: arg, Lock: *in.lock, Exec: *in.exec, Getenv: e.getenv, Platform: *in.platform}, opts)
	layers.done()
	prog.done()
	if errors.Is(err, extract.ErrLockNotFile) {
		return nil, &usageError{msg: "--lock: " + err.Error()}
	}
	return inv, err
}

// isFile reports whether arg is a regular file that is no program (an
// interpreter is one).
func isFile(arg string) bool {
	fi, err := os.Stat(arg)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 == 0
}

// inputFlags are how sbom and scan are told what their TARGET is.
type inputFlags struct {
	exec, lock *bool
	platform   *string
}

func inputFlagsOf(fs *flag.FlagSet) inputFlags {
	return inputFlags{
		exec:     execFlags(fs),
		lock:     fs.Bool("lock", false, "read TARGET as a lock file, and as a requirements file when neither its name nor its content says which format it is"),
		platform: fs.String("platform", "", "the image to read of a multi-platform image index, as `OS/ARCH[/VARIANT]` (default: linux and the host's architecture)"),
	}
}

// execFlags registers --exec-interpreter, the opt-in to run the target's
// interpreter, and --no-exec, which older scripts pass and is now what
// happens anyway.
func execFlags(fs *flag.FlagSet) *bool {
	fs.Bool("no-exec", true, "never run the target's interpreter (the default; kept for older scripts)")
	return fs.Bool("exec-interpreter", false, "run the target's interpreter (python -E -s -S) to ask it for its version, platform and\nsite-packages instead of reading them from its files; the SBOM records that it was run")
}

// creationTime is SOURCE_DATE_EPOCH when set, else now.
func creationTime(getenv func(string) string) (time.Time, error) {
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, &usageError{msg: fmt.Sprintf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", s)}
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

func parseParty(s string) (inventory.Party, error) {
	p := spdx.ParseParty(s)
	if p.IsZero() || p.Name == "" {
		return inventory.Party{}, fmt.Errorf("%q is not \"Organization: Name (email)\" or \"Person: Name (email)\"", s)
	}
	return p, nil
}

// summarize tells the user on stderr what problems were found: the real
// ones first and in detail, informational notes by count.
func summarize(w io.Writer, inv *inventory.Inventory) {
	if len(inv.Problems) == 0 {
		return
	}
	var real []inventory.Problem
	counts, notes := map[inventory.ProblemKind]int{}, map[inventory.ProblemKind]int{}
	for _, p := range inv.Problems {
		if p.Kind.Informational() {
			notes[p.Kind]++
			continue
		}
		counts[p.Kind]++
		real = append(real, p)
	}
	list := func(m map[inventory.ProblemKind]int) string {
		var kinds []string
		for k, n := range m {
			kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
		}
		sort.Strings(kinds)
		return strings.Join(kinds, ", ")
	}
	if len(real) > 0 {
		fmt.Fprintf(w, "pysbom: warning: %s (%s)\n", output.Count(len(real), "problem"), list(counts))
	}
	const max = 10
	for i, p := range real {
		if i == max {
			fmt.Fprintf(w, "pysbom: ... and %d more; -o table or -o json lists them all\n", len(real)-max)
			break
		}
		where := p.Package
		if p.Path != "" {
			if where != "" {
				where += " "
			}
			where += p.Path
		}
		fmt.Fprintf(w, "pysbom: %s: %s: %s\n", p.Kind, where, p.Message)
	}
	if n := len(inv.Problems) - len(real); n > 0 {
		fmt.Fprintf(w, "pysbom: note: %s (%s); -o table lists them\n", output.Count(n, "informational finding"), list(notes))
	}
}

// progress shows the progress of long work when stderr is a terminal.
type progress struct {
	w     io.Writer
	label string
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: display.Text(label)}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	p.last = time.Now()
	return p
}

// update shows done of total (total < 0: unknown).
func (p *progress) update(done, total int64) {
	if !p.on || time.Since(p.last) < 200*time.Millisecond && done != total {
		return
	}
	p.last = time.Now()
	p.shown = true
	if total < 0 {
		fmt.Fprintf(p.w, "\rpysbom: %s %d", p.label, done)
		return
	}
	fmt.Fprintf(p.w, "\rpysbom: %s %d/%d", p.label, done, total)
}

// done clears the line shown, if any.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
