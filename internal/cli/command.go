package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one command of pysbom, or one subcommand of a group (db
// import, vex add). Every command parses its flags the same way: help goes
// to standard output and exits 0, a mistyped flag is one line with a
// suggestion, and the global flags (-q, -v) are everywhere.
type command struct {
	name    string // as typed: "sbom", "db import"
	args    string // what follows the flags in the usage line: "[TARGET]"
	summary string // one line in the list of commands
	help    string // paragraphs after the usage line
	// setup registers the command's flags on fs and returns what runs it
	// with the positional arguments, once the flags are parsed.
	setup func(fs *flag.FlagSet, e *env) func(ctx context.Context, args []string) error
	subs  []*command // a group's subcommands
	// noConfig: the command reads no configuration file (help, version).
	noConfig bool
}

// globals are the flags every command takes.
type globals struct {
	quiet, verbose bool
	config         string
}

func (c *command) short() string {
	i := strings.LastIndexByte(c.name, ' ')
	return c.name[i+1:]
}

// sub finds a subcommand by its last word.
func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.short() == name {
			return s
		}
	}
	return nil
}

func (c *command) subNames() []string {
	var out []string
	for _, s := range c.subs {
		out = append(out, s.short())
	}
	return out
}

// run runs the command with its arguments (after its name).
func (c *command) run(ctx context.Context, e *env, args []string) error {
	if len(c.subs) > 0 {
		if len(args) == 0 {
			return &usageError{msg: fmt.Sprintf("%s needs a subcommand: %s", c.name, strings.Join(c.subNames(), ", ")),
				hint: "pysbom " + c.name + " -h describes them"}
		}
		switch args[0] {
		case "-h", "--help", "help":
			c.printHelp(e.stdout, nil)
			return nil
		}
		s := c.sub(args[0])
		if s == nil {
			return &usageError{msg: fmt.Sprintf("unknown %s subcommand %q%s", c.name, args[0], didYouMean(args[0], c.subNames(), "")),
				hint: "pysbom " + c.name + " -h describes " + strings.Join(c.subNames(), ", ")}
		}
		return s.run(ctx, e, args[1:])
	}
	fs, g, runner := c.flagSet(e)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.printHelp(e.stdout, fs)
		return nil
	}
	if err != nil {
		return c.flagError(err, fs)
	}
	if !c.noConfig {
		if err := c.configure(e, fs, g); err != nil {
			return err
		}
	}
	if g.quiet {
		e.stderr, e.progressOut = io.Discard, io.Discard
	}
	e.quiet, e.verbose = g.quiet, g.verbose
	return runner(ctx, pos)
}

// flagSet makes the command's flags, the global ones included.
func (c *command) flagSet(e *env) (*flag.FlagSet, *globals, func(context.Context, []string) error) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	g := &globals{}
	runner := c.setup(fs, e)
	if fs.Lookup("q") == nil {
		fs.BoolVar(&g.quiet, "q", false, "print only errors on standard error")
		fs.BoolVar(&g.quiet, "quiet", false, "the same as -q")
	}
	if fs.Lookup("v") == nil {
		fs.BoolVar(&g.verbose, "v", false, "print more detail")
		fs.BoolVar(&g.verbose, "verbose", false, "the same as -v")
	}
	if o := fs.Lookup("o"); o != nil && fs.Lookup("output") == nil {
		fs.Var(o.Value, "output", "the same as -o")
	}
	if !c.noConfig {
		fs.StringVar(&g.config, "config", "", "read defaults and ignore rules from `FILE` (default: $PYSBOM_CONFIG, else ./.pysbom.toml if there is one)")
	}
	return fs, g, runner
}

// configure reads the configuration file and sets the flags the
// command's table gives that the command line did not.
func (c *command) configure(e *env, fs *flag.FlagSet, g *globals) error {
	cfg, err := loadConfig(g.config, e.getenv)
	if err != nil || cfg == nil {
		return err
	}
	e.config = cfg
	s := cfg.Sections[c.name]
	if s == nil {
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := applySection(fs, cfg.File, s, set); err != nil {
		return err
	}
	return nil
}

// flagError turns the flag package's message into one line the user can
// act on, with a suggestion for a mistyped flag.
func (c *command) flagError(err error, fs *flag.FlagSet) error {
	msg := err.Error()
	hint := "pysbom " + c.name + " -h lists its flags"
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag provided but not defined: "), "-")
		msg = "unknown flag " + dashes(name) + didYouMean(name, names, "-")
	case strings.HasPrefix(msg, "flag needs an argument: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag needs an argument: "), "-")
		msg = dashes(name) + " needs a value"
	case strings.HasPrefix(msg, "invalid value "), strings.HasPrefix(msg, "invalid boolean value "):
		// invalid value "x" for flag -o: the reason
		// invalid boolean value "x" for -strict: parse error
		for _, sep := range []string{" for flag -", " for -"} {
			if i := strings.Index(msg, sep); i >= 0 {
				value := strings.TrimPrefix(strings.TrimPrefix(msg[:i], "invalid boolean value "), "invalid value ")
				name, reason, _ := strings.Cut(msg[i+len(sep):], ": ")
				name = strings.TrimLeft(name, "-")
				if strings.HasPrefix(reason, "parse error") {
					reason = value + " is not a value it takes"
					if strings.HasPrefix(msg, "invalid boolean value ") {
						reason = value + " is not true or false"
					}
				}
				msg = dashes(name) + ": " + reason
				break
			}
		}
	}
	return &usageError{msg: msg, hint: hint}
}

// dashes writes a flag as users type it: -o, --strict.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// didYouMean suggests the closest of names to s when one is close enough
// ("; did you mean --output?"); prefix marks flags.
func didYouMean(s string, names []string, prefix string) string {
	best, bestD := "", 3
	for _, n := range names {
		d := distance(strings.ToLower(s), strings.ToLower(n))
		if strings.HasPrefix(n, s) && len(s) >= 3 {
			d = 1
		}
		if d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	if best == "" || len(best) == 1 {
		return ""
	}
	if prefix != "" {
		best = dashes(best)
	}
	return "; did you mean " + best + "?"
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// printHelp writes the command's help: usage, description, flags (fs, or
// the subcommands of a group).
func (c *command) printHelp(w io.Writer, fs *flag.FlagSet) {
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "usage: pysbom %s SUBCOMMAND [flags] [args]\n", c.name)
		if c.help != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
		}
		fmt.Fprintln(w, "\nsubcommands:")
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-8s %s\n", s.short(), s.summary)
		}
		fmt.Fprintf(w, "\nRun 'pysbom %s SUBCOMMAND -h' for a subcommand's flags.\n", c.name)
		return
	}
	usage := "pysbom " + c.name + " [flags]"
	if c.args != "" {
		usage += " " + c.args
	}
	fmt.Fprintf(w, "usage: %s\n", usage)
	if c.summary != "" && c.help == "" {
		fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
	}
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if fs == nil {
		fs, _, _ = c.flagSet(&env{stdout: io.Discard, stderr: io.Discard, progressOut: io.Discard, getenv: func(string) string { return "" }})
	}
	fmt.Fprintln(w, "\nflags:")
	printFlags(w, fs)
}

// printFlags lists the flags, an alias ("--output" for "-o", "--quiet")
// folded into the flag it stands for.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type entry struct{ names, arg, usage string }
	byValue := map[flag.Value]*entry{}
	var entries []*entry
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if strings.HasPrefix(usage, "the same as ") {
			if e, ok := byValue[f.Value]; ok {
				e.names += ", " + dashes(f.Name)
				return
			}
		}
		if e, ok := byValue[f.Value]; ok && strings.HasPrefix(e.usage, "the same as ") {
			e.names, e.arg, e.usage = dashes(f.Name)+", "+e.names, arg, usage
			return
		}
		e := &entry{names: dashes(f.Name), arg: arg, usage: usage}
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			e.arg = ""
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && !strings.Contains(usage, "default") {
			e.usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		byValue[f.Value] = e
		entries = append(entries, e)
	})
	sort.SliceStable(entries, func(i, j int) bool {
		return strings.TrimLeft(entries[i].names, "-") < strings.TrimLeft(entries[j].names, "-")
	})
	for _, e := range entries {
		head := "  " + e.names
		if e.arg != "" {
			head += " " + e.arg
		}
		fmt.Fprintf(w, "%s\n", head)
		for _, line := range wrap(e.usage, 90) {
			fmt.Fprintf(w, "        %s\n", line)
		}
	}
}

// wrap breaks s into lines of at most n bytes at spaces, keeping its own
// line breaks.
func wrap(s string, n int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len(line)+1+len(word) > n {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, line)
	}
	return out
}
