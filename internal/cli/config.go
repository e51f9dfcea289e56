package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/config"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vex"
)

// loadConfig reads the configuration file (--config, $PYSBOM_CONFIG or
// ./.pysbom.toml) and checks every table against the command it names,
// so that a mistyped key is an error whichever command runs.
func loadConfig(explicit string, getenv func(string) string) (*config.Config, error) {
	file := config.Find(explicit, getenv)
	if file == "" {
		return nil, nil
	}
	c, err := config.Load(file)
	if err != nil {
		return nil, err
	}
	for _, s := range c.Sections {
		cmd := findPath(strings.Fields(s.Name))
		switch {
		case cmd == nil:
			var names []string
			for _, l := range completionSpec() {
				names = append(names, strings.Join(l.words, "."))
			}
			return nil, &config.Error{File: file, Line: s.Line, Msg: fmt.Sprintf("[%s]: no such command%s",
				strings.ReplaceAll(s.Name, " ", "."), didYouMean(strings.ReplaceAll(s.Name, " ", "."), names, ""))}
		case len(cmd.subs) > 0:
			return nil, &config.Error{File: file, Line: s.Line, Msg: fmt.Sprintf("[%s]: name a subcommand, such as [%s.%s]", s.Name, s.Name, cmd.subs[0].short())}
		}
		fs, _, _ := cmd.flagSet(&env{stdout: io.Discard, stderr: io.Discard, progressOut: io.Discard, getenv: getenv})
		// Set on a throwaway flag set: the values are checked, nothing kept.
		if err := applySection(fs, file, s, nil); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// findPath finds a command by its words ("db", "update").
func findPath(words []string) *command {
	if len(words) == 0 {
		return nil
	}
	c := findCommand(words[0])
	for _, w := range words[1:] {
		if c == nil {
			return nil
		}
		c = c.sub(w)
	}
	return c
}

// applySection sets the flags a command's table gives, except those the
// command line set (set).
func applySection(fs *flag.FlagSet, file string, s *config.Section, set map[string]bool) error {
	for _, v := range s.Values {
		fail := func(format string, args ...any) error {
			return &config.Error{File: file, Line: v.Line, Msg: fmt.Sprintf("[%s] %s: ", strings.ReplaceAll(s.Name, " ", "."), v.Key) + fmt.Sprintf(format, args...)}
		}
		f := fs.Lookup(v.Key)
		if f == nil || v.Key == "config" {
			var names []string
			fs.VisitAll(func(f *flag.Flag) {
				if len(f.Name) > 1 {
					names = append(names, f.Name)
				}
			})
			return fail("not a flag of pysbom %s%s", s.Name, didYouMean(v.Key, names, ""))
		}
		if set[f.Name] || aliasSet(fs, f, set) {
			continue
		}
		if v.List && !repeatable(f.Value) {
			return fail("takes one value, not a list: %s = %s", v.Key, strconv.Quote(strings.Join(v.Values, " ")))
		}
		for _, val := range v.Values {
			if err := fs.Set(f.Name, val); err != nil {
				return fail("%v", flagReason(err))
			}
		}
	}
	return nil
}

// aliasSet reports whether another name of the same flag was set on the
// command line (-o for output).
func aliasSet(fs *flag.FlagSet, f *flag.Flag, set map[string]bool) bool {
	found := false
	fs.VisitAll(func(g *flag.Flag) {
		if g.Value == f.Value && set[g.Name] {
			found = true
		}
	})
	return found
}

func repeatable(v flag.Value) bool {
	switch v.(type) {
	case *outputsFlag, *listFlag:
		return true
	}
	return false
}

// flagReason is a flag.Value's error without the flag package's wording.
func flagReason(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "invalid syntax") {
		return "not a value it takes"
	}
	return msg
}

// ignoreStatements turns ignore rules (of the file and of --ignore) into
// VEX statements, so that an ignored finding is suppressed, and shown with
// its reason, as VEX suppresses it: one mechanism, not two. An expired
// rule is an invalid statement, reported as not applied.
func ignoreStatements(rules []config.Ignore, file string, res *scan.Result, rootPURL string, now time.Time) []vex.Statement {
	var out []vex.Statement
	for _, r := range rules {
		src := file
		if r.Line > 0 {
			src = fmt.Sprintf("%s:%d", file, r.Line)
		}
		s := vex.Statement{Vulnerability: r.ID, Status: vex.NotAffected, Timestamp: now,
			ImpactStatement: "ignored: " + r.Reason, Source: src + " (ignore rule)"}
		if r.Expired(now) {
			s.Invalid = "the ignore rule expired on " + r.Until.Format("2006-01-02")
			s.Products = []vex.Product{{PURL: ignoredProduct(r, rootPURL)}}
			out = append(out, s)
			continue
		}
		for _, f := range res.Findings {
			if f.PURL == "" || !(f.ID == r.ID || slices.Contains(f.Aliases, r.ID)) || !ignoreMatches(r.Package, f) {
				continue
			}
			if !slices.ContainsFunc(s.Products, func(p vex.Product) bool { return p.PURL == f.PURL }) {
				s.Products = append(s.Products, vex.Product{PURL: f.PURL})
			}
		}
		if len(s.Products) == 0 { // decides nothing: reported as not applied
			s.Products = []vex.Product{{PURL: ignoredProduct(r, rootPURL)}}
		}
		out = append(out, s)
	}
	return out
}

func ignoredProduct(r config.Ignore, rootPURL string) string {
	switch {
	case strings.HasPrefix(r.Package, "pkg:"):
		return r.Package
	case r.Package != "":
		return "pkg:pypi/" + pep503.Normalize(r.Package)
	}
	return rootPURL
}

// ignoreMatches reports whether a rule's package names the finding's: a
// PyPI name (normalised), or a purl, with or without a version.
func ignoreMatches(pkg string, f *scan.Finding) bool {
	if pkg == "" {
		return true
	}
	if strings.HasPrefix(pkg, "pkg:") {
		return f.PURL == pkg || strings.HasPrefix(f.PURL, pkg+"@")
	}
	return pep503.Normalize(pkg) == pep503.Normalize(f.Name)
}

// parseIgnoreFlag reads --ignore ID or ID=REASON.
func parseIgnoreFlag(v string) config.Ignore {
	id, reason, _ := strings.Cut(v, "=")
	if strings.TrimSpace(reason) == "" {
		reason = "ignored on the command line (--ignore)"
	}
	return config.Ignore{ID: strings.TrimSpace(id), Reason: strings.TrimSpace(reason)}
}
