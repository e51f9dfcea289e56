// Package cli implements pysbom's command line. [Main] runs one command
// and returns its exit code; it never calls os.Exit, so tests run it in
// process. cli parses flags, reads the configuration file, picks targets
// and hands each result to package output, which writes it in the formats
// asked for; it renders nothing itself.
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
//	   source check: the SBOM does not match the tree or lacks an NTIA element;
//	   scan --fail-on-unscanned: a component could not be scanned)
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/pysbom/pysbom/internal/config"
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
	quiet, verbose bool           // the global -q and -v
	config         *config.Config // the configuration file, if any
}

// commands is pysbom's command table.
func commands() []*command {
	return []*command{
		sbomCommand(),
		validateCommand(),
		diffCommand(),
		convertCommand(),
		scanCommand(),
		dbCommand(),
		sourceCommand(),
		auditCommand(),
		reportCommand(),
		uploadCommand(),
		vexCommand(),
		versionCommand(),
		helpCommand(),
		completionCommand(),
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs the command line args (without the program name).
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, rawStderr io.Writer) int {
	dw := display.NewWriter(rawStderr)
	defer dw.Flush()
	stderr := io.Writer(dw)
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, progressOut: rawStderr, getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help":
		usage(stdout)
		return ExitOK
	case "--version", "-V":
		args = append([]string{"version"}, args[1:]...)
	}
	c := findCommand(args[0])
	if c == nil {
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		return finish(stderr, &usageError{msg: fmt.Sprintf("unknown command %q%s", args[0], didYouMean(args[0], names, "")),
			hint: "pysbom -h lists the commands"})
	}
	return finish(stderr, c.run(ctx, e, args[1:]))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pysbom COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes -o FORMAT[=FILE] where it writes results, -q (only errors) and -v (more detail).")
	fmt.Fprintln(w, "Run 'pysbom help COMMAND' or 'pysbom COMMAND -h' for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 error, 2 usage error, 3 findings (for example sbom --strict with problems).")
}

// usageError is a mistake in how pysbom was called, with where to find
// how to call it.
type usageError struct{ msg, hint string }

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
		if ue.hint != "" {
			fmt.Fprintf(stderr, "pysbom: hint: %s\n", ue.hint)
		}
		return ExitUsage
	}
	var fe *findingsError
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "pysbom: %s\n", fe.msg)
		return ExitFindings
	}
	fmt.Fprintf(stderr, "pysbom: error: %s\n", userMessage(err))
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
			return nil, &usageError{msg: err.Error()}
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

// syscallOp finds the system call Go names in a path error ("open
// x.json: no such file or directory").
var syscallOp = regexp.MustCompile(`(^|: )(?:open|stat|lstat|read|readdirent|openat|mkdir|rename|remove) (\S+): `)

// userMessage is err as a user reads it: the file and what is wrong with
// it, without the name of the system call that found it out.
func userMessage(err error) string {
	return syscallOp.ReplaceAllString(err.Error(), "$1$2: ")
}
