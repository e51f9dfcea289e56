// Package cli implements pysbom's command line. [Main] runs one command
// and returns its exit code; it never calls os.Exit, so tests run it in
// process.
//
// # Exit codes
//
//	0  success
//	1  error (a target that cannot be read, an output that cannot be written)
//	2  usage error (unknown command or flag, bad flag value)
//	3  findings at or above the threshold the user asked for (sbom --strict: problems;
//	   validate: a document failing --schema, --strict, --ntia or --min-score;
//	   diff --exit-code: the documents differ; scan --fail-on: a finding at or above it;
//	   audit --fail-on: a binary with C/C++ code failing one of the checks, or a malformed binary;
//	   source check: the SBOM does not match the tree)
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
)

// Version is pysbom's version.
const Version = "0.1.0-dev"

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFindings = 3
)

// env is what a command gets from the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer // stderr escapes what a terminal would obey (package display)
	progressOut    io.Writer // stderr as it is, for the progress line's own \r and escapes
	getenv         func(string) string
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"sbom", "[flags] [TARGET]", "write an SBOM of a Python environment (default: the one in use)", runSBOM},
		{"validate", "[flags] SBOM...", "check SPDX/CycloneDX documents: schema, semantics, NTIA, quality", runValidate},
		{"diff", "[flags] OLD NEW", "what changed between two SBOMs (any mix of SPDX and CycloneDX)", runDiff},
		{"scan", "[flags] [SBOM|TARGET]", "known vulnerabilities of an SBOM's or a target's PyPI components, offline", runScan},
		{"db", "import|update|status", "the local vulnerability database (OSV records)", runDB},
		{"source", "init|update|check|release", "a curated SBOM of code vendored into a source tree; check fails on drift", runSource},
		{"audit", "[flags] [TARGET]", "hardening, languages and bundled C libraries of every native binary", runAudit},
		{"vex", "init|add|list|merge", "author, list and merge VEX statements (OpenVEX)", runVEX},
		{"version", "", "print pysbom's version", func(_ context.Context, e *env, _ []string) error {
			fmt.Fprintln(e.stdout, "pysbom", Version)
			return nil
		}},
	}
}

// Main runs the command line args (without the program name).
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, rawStderr io.Writer) int {
	dw := display.NewWriter(rawStderr)
	defer dw.Flush()
	stderr := io.Writer(dw)
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, progressOut: rawStderr, getenv: os.Getenv}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return finish(stderr, err)
	}
	fmt.Fprintf(stderr, "pysbom: error: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pysbom COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'pysbom COMMAND -h' for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 error, 2 usage error, 3 findings (for example sbom --strict with problems).")
}

// usageError is a mistake in how pysbom was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// findingsError means the command worked and found what the user asked
// to fail on.
type findingsError struct{ msg string }

func (e *findingsError) Error() string { return e.msg }

// hinted is an error with advice for the user.
type hinted interface{ Hint() string }

func finish(stderr io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "pysbom: error: %s\n", ue.msg)
		return ExitUsage
	}
	var fe *findingsError
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "pysbom: %s\n", fe.msg)
		return ExitFindings
	}
	fmt.Fprintf(stderr, "pysbom: error: %v\n", err)
	var h hinted
	if errors.As(err, &h) {
		fmt.Fprintf(stderr, "pysbom: hint: %s\n", h.Hint())
	}
	return ExitError
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("pysbom sbom venv -o table").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// choice lists allowed values for error messages.
func choice(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
