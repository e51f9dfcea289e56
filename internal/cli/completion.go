package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

func completionCommand() *command {
	return &command{
		name: "completion", args: "bash|zsh|fish", summary: "print a shell completion script", noConfig: true,
		help: `Prints a script that completes pysbom's commands, subcommands, flags and the format names -o
takes. Load it from your shell's start-up file:
  bash:  source <(pysbom completion bash)
  zsh:   source <(pysbom completion zsh)
  fish:  pysbom completion fish | source`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			return func(ctx context.Context, pos []string) error {
				if len(pos) != 1 {
					return &usageError{msg: "completion needs one shell: bash, zsh or fish", hint: "pysbom completion -h"}
				}
				spec := completionSpec()
				switch pos[0] {
				case "bash":
					return writeBash(e.stdout, spec, false)
				case "zsh":
					return writeBash(e.stdout, spec, true)
				case "fish":
					return writeFish(e.stdout, spec)
				}
				return &usageError{msg: fmt.Sprintf("no completion for %q; want bash, zsh or fish", pos[0])}
			}
		},
	}
}

// leaf is a command that runs, as completion sees it.
type leaf struct {
	words   []string // "db", "import"
	summary string
	flags   []flagSpec
	formats []string // what -o takes
}

type flagSpec struct {
	name, usage string
	takesValue  bool
}

// completionSpec walks the command table.
func completionSpec() []leaf {
	var out []leaf
	var walk func(c *command, words []string)
	walk = func(c *command, words []string) {
		if len(c.subs) > 0 {
			for _, s := range c.subs {
				walk(s, append(words, s.short()))
			}
			return
		}
		l := leaf{words: words, summary: c.summary}
		fs, _, _ := c.flagSet(&env{stdout: io.Discard, stderr: io.Discard, progressOut: io.Discard, getenv: func(string) string { return "" }})
		fs.VisitAll(func(f *flag.Flag) {
			_, usage := flag.UnquoteUsage(f)
			_, isBool := f.Value.(interface{ IsBoolFlag() bool })
			l.flags = append(l.flags, flagSpec{name: f.Name, usage: firstSentence(usage), takesValue: !isBool})
			if o, ok := f.Value.(*outputsFlag); ok && f.Name == "o" {
				l.formats = o.formats.Names()
			}
		})
		out = append(out, l)
	}
	for _, c := range commands() {
		walk(c, []string{c.name})
	}
	return out
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ";(\n"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func writeBash(w io.Writer, spec []leaf, zsh bool) error {
	var b strings.Builder
	if zsh {
		b.WriteString("# pysbom completion for zsh, through bash's completion\nautoload -U +X bashcompinit && bashcompinit\n")
	} else {
		b.WriteString("# pysbom completion for bash\n")
	}
	top := map[string]bool{}
	subs := map[string][]string{}
	var tops []string
	for _, l := range spec {
		if !top[l.words[0]] {
			top[l.words[0]] = true
			tops = append(tops, l.words[0])
		}
		if len(l.words) > 1 {
			subs[l.words[0]] = append(subs[l.words[0]], l.words[1])
		}
	}
	b.WriteString("_pysbom() {\n")
	b.WriteString("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" key=\"${COMP_WORDS[1]}\"\n")
	fmt.Fprintf(&b, "  if [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(tops, " "))
	b.WriteString("  case \"$key\" in\n")
	groups := make([]string, 0, len(subs))
	for g := range subs {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		fmt.Fprintf(&b, "    %s)\n      if [ \"$COMP_CWORD\" -eq 2 ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n      key=\"$key ${COMP_WORDS[2]}\";;\n", g, strings.Join(subs[g], " "))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [ \"$prev\" = -o ] || [ \"$prev\" = --output ]; then\n    case \"$key\" in\n")
	for _, l := range spec {
		if len(l.formats) > 0 {
			fmt.Fprintf(&b, "      %q) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", strings.Join(l.words, " "), strings.Join(l.formats, " "))
		}
	}
	b.WriteString("    esac\n  fi\n")
	b.WriteString("  if [[ \"$cur\" == -* ]]; then\n    case \"$key\" in\n")
	for _, l := range spec {
		var names []string
		for _, f := range l.flags {
			names = append(names, dashes(f.name))
		}
		fmt.Fprintf(&b, "      %q) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", strings.Join(l.words, " "), strings.Join(names, " "))
	}
	b.WriteString("    esac\n  fi\n")
	b.WriteString("  COMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -o default -F _pysbom pysbom\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFish(w io.Writer, spec []leaf) error {
	var b strings.Builder
	b.WriteString("# pysbom completion for fish\ncomplete -c pysbom -f\n")
	seen := map[string]bool{}
	var tops []string
	for _, l := range spec {
		if !seen[l.words[0]] {
			seen[l.words[0]] = true
			tops = append(tops, l.words[0])
		}
	}
	for _, c := range commands() {
		fmt.Fprintf(&b, "complete -c pysbom -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
		for _, s := range c.subs {
			fmt.Fprintf(&b, "complete -c pysbom -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %s -d %s\n",
				c.name, strings.Join(c.subNames(), " "), s.short(), fishQuote(s.summary))
		}
	}
	for _, l := range spec {
		cond := "__fish_seen_subcommand_from " + l.words[0]
		if len(l.words) > 1 {
			cond += "; and __fish_seen_subcommand_from " + l.words[1]
		}
		for _, f := range l.flags {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-s " + f.name
			}
			extra := ""
			if f.takesValue {
				extra = " -r"
				if f.name == "o" || f.name == "output" {
					extra = " -x -a " + fishQuote(strings.Join(l.formats, " "))
				}
			}
			fmt.Fprintf(&b, "complete -c pysbom -n '%s' %s%s -d %s\n", cond, opt, extra, fishQuote(f.usage))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
