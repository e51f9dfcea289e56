package audit

import (
	"runtime"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
)

// CoreChecks are the checks a C/C++ binary must not fail to count as
// hardened: the OpenSSF guide's baseline that the binary shows.
var CoreChecks = []string{"pie", "nx", "relro", "bindnow", "canary", "fortify", "rpath", "textrel"}

// Summary totals a set of binaries (one package's, or the target's).
type Summary struct {
	Name, Version string // the package; empty for the whole target or for unowned binaries
	Binaries      int
	Errors        int
	Bytes         int64  // file sizes of the binaries
	CodeBytes     uint64 // measured function bytes (binaries with a symbol table)
	SafeBytes     uint64 // of which Rust or Go
	Unmeasured    int    // binaries without a symbol table to measure
	Languages     []string
	CBinaries     int      // binaries with C or C++ code (not entirely Rust/Go)
	Hardened      int      // of those, failing none of CoreChecks
	Libraries     []string // C libraries found: the binaries themselves or copies inside them
}

// HasCCode reports whether b contains C or C++ code (as far as can be
// told: a binary whose code is not measured as entirely Rust/Go).
func HasCCode(b *Binary) bool {
	if b.Lang.PureMemorySafe() {
		return false
	}
	for _, l := range b.Lang.Languages {
		if !lang.MemorySafe(l.Name) {
			return true
		}
	}
	return b.Lang.Total() > b.Lang.SafeBytes()
}

// Hardened reports whether b fails none of [CoreChecks].
func Hardened(b *Binary) bool {
	for _, r := range b.Checks {
		if r.Verdict == harden.Fail && slices.Contains(CoreChecks, r.Check) {
			return false
		}
	}
	return b.Error == ""
}

func (s *Summary) add(b *Binary) {
	s.Binaries++
	if b.Error != "" {
		s.Errors++
		return
	}
	s.Bytes += b.Size
	if b.Lang.Bytes == nil {
		s.Unmeasured++
	} else {
		s.CodeBytes += b.Lang.Total()
		s.SafeBytes += b.Lang.SafeBytes()
	}
	for _, l := range b.Lang.Languages {
		if !slices.Contains(s.Languages, l.Name) {
			s.Languages = append(s.Languages, l.Name)
		}
	}
	slices.Sort(s.Languages)
	if HasCCode(b) {
		s.CBinaries++
		if Hardened(b) {
			s.Hardened++
		}
	}
	for _, m := range b.Libraries {
		label := strings.TrimSpace(m.Name + " " + m.Version)
		if !slices.Contains(s.Libraries, label) {
			s.Libraries = append(s.Libraries, label)
		}
	}
	slices.Sort(s.Libraries)
}

// Summaries totals the report per package (sorted by name, unowned
// binaries last) and for the whole target.
func (r *Report) Summaries() (perPackage []Summary, total Summary) {
	idx := map[Owner]int{}
	for _, b := range r.Binaries {
		total.add(b)
		i, ok := idx[b.Owner]
		if !ok {
			i = len(perPackage)
			idx[b.Owner] = i
			perPackage = append(perPackage, Summary{Name: b.Owner.Name, Version: b.Owner.Version})
		}
		perPackage[i].add(b)
	}
	slices.SortFunc(perPackage, func(a, b Summary) int {
		if (a.Name == "") != (b.Name == "") {
			if a.Name == "" {
				return 1
			}
			return -1
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	return perPackage, total
}

// HostFormat is the binary format of the platform pysbom runs on: the
// platform of the environments it audits in place.
func HostFormat() string {
	switch runtime.GOOS {
	case "darwin", "ios":
		return "Mach-O"
	case "windows":
		return "PE"
	}
	return "ELF"
}

// Failing counts the binaries that fail one of checks: those with C/C++
// code failing it, and those that cannot be parsed. A binary for another
// platform than this one (a Windows launcher in a Linux environment)
// counts only with allPlatforms; foreign says how many were left out.
func (r *Report) Failing(checks []string, allPlatforms bool) (n, foreign int) {
	host := HostFormat()
	for _, b := range r.Binaries {
		failing := b.Error != "" || HasCCode(b) && slices.ContainsFunc(b.Checks, func(c harden.Result) bool {
			return c.Verdict == harden.Fail && slices.Contains(checks, c.Check)
		})
		switch {
		case !failing:
		case b.Format != "" && b.Format != host && !allPlatforms:
			foreign++
		default:
			n++
		}
	}
	return n, foreign
}
