package officehours

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/pysbom/pysbom/internal/atomicfile"
)

// Main runs the officehours command and returns its exit code: 0 on
// success, 1 on an error, 2 on a usage error.
func Main(args []string, stdout, stderr io.Writer, now time.Time, localTZ *time.Location) int {
	fs := flag.NewFlagSet("officehours", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 3, "how many sessions to show")
	tz := fs.String("tz", "", "IANA time `zone` to show times in (default: this system's, "+localTZ.String()+")")
	ics := fs.String("ics", "", "also write an iCalendar `FILE` with the recurring event")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: officehours [-n N] [-tz ZONE] [-ics FILE]")
		fmt.Fprintln(stderr, "\nShows the next PSF Grants Program office hours in your time zone.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "officehours: error: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *n < 1 {
		fmt.Fprintf(stderr, "officehours: error: -n %d: want at least 1 session\n", *n)
		return 2
	}
	loc := localTZ
	if *tz != "" {
		l, err := time.LoadLocation(*tz)
		if err != nil || *tz == "Local" {
			fmt.Fprintf(stderr, "officehours: error: unknown time zone %q\n", *tz)
			fmt.Fprintln(stderr, "officehours: hint: use an IANA name such as Europe/Berlin, America/New_York or UTC")
			return 2
		}
		loc = l
	}
	s := PSFGrants
	if err := s.Validate(); err != nil {
		fmt.Fprintf(stderr, "officehours: error: schedule: %v\n", err)
		return 1
	}
	sessions := s.Next(now, *n)
	if err := s.Print(stdout, sessions, now, loc); err != nil {
		fmt.Fprintf(stderr, "officehours: error: %v\n", err)
		return 1
	}
	if *ics != "" {
		if err := writeICS(*ics, s, sessions[0], now); err != nil {
			fmt.Fprintf(stderr, "officehours: error: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "officehours: wrote %s\n", *ics)
	}
	return 0
}

// writeICS replaces file only once the calendar is complete.
func writeICS(file string, s Schedule, first Session, now time.Time) error {
	return atomicfile.Write(file, func(w io.Writer) error { return s.ICS(w, first, now.Truncate(time.Second)) })
}
