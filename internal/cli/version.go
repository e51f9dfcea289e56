package cli

import (
	"context"
	"flag"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/pysbom/pysbom/internal/output"
)

func versionCommand() *command {
	return &command{
		name: "version", summary: "print pysbom's version and what it was built from", noConfig: true,
		help: "Prints pysbom's version, the module version and VCS revision it was built from, and the Go toolchain\n(also: pysbom --version).",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := newOutputs(fs, output.Versions, output.Versions.Default)
			return func(ctx context.Context, pos []string) error {
				if err := noArgs("version", pos); err != nil {
					return err
				}
				v := buildVersion()
				return outs.write(e.stdout, func(w io.Writer, format string) error { return output.Versions.Write(w, format, v) })
			}
		},
	}
}

// buildVersion reads what the binary was built from.
func buildVersion() *output.Version {
	v := &output.Version{Version: Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module = bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func helpCommand() *command {
	return &command{
		name: "help", args: "[COMMAND [SUBCOMMAND]]", summary: "print the help of pysbom or of a command", noConfig: true,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			return func(ctx context.Context, pos []string) error {
				if len(pos) == 0 {
					usage(e.stdout)
					return nil
				}
				c := findCommand(pos[0])
				if c == nil {
					var names []string
					for _, c := range commands() {
						names = append(names, c.name)
					}
					return &usageError{msg: "unknown command " + quote(pos[0]) + didYouMean(pos[0], names, ""), hint: "pysbom -h lists the commands"}
				}
				if len(pos) > 1 && len(c.subs) > 0 {
					s := c.sub(pos[1])
					if s == nil {
						return &usageError{msg: "unknown " + c.name + " subcommand " + quote(pos[1]) + didYouMean(pos[1], c.subNames(), ""), hint: "pysbom help " + c.name}
					}
					c = s
				}
				c.printHelp(e.stdout, nil)
				return nil
			}
		},
	}
}

func quote(s string) string { return `"` + s + `"` }
