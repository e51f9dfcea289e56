package officehours

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ICS writes the schedule as an iCalendar (RFC 5545) file holding one
// recurring event. Times are in UTC, so calendars show each session at the
// right local time on both sides of daylight-saving changes. first is the
// first session; stamp is the DTSTAMP (creation time) of the file.
func (s Schedule) ICS(w io.Writer, first Session, stamp time.Time) error {
	const utc = "20060102T150405Z"
	days := map[time.Weekday]string{time.Sunday: "SU", time.Monday: "MO", time.Tuesday: "TU",
		time.Wednesday: "WE", time.Thursday: "TH", time.Friday: "FR", time.Saturday: "SA"}
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//pysbom//officehours//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + escape(s.UID),
		"DTSTAMP:" + stamp.UTC().Format(utc),
		"DTSTART:" + first.Start.UTC().Format(utc),
		"DTEND:" + first.End.UTC().Format(utc),
		fmt.Sprintf("RRULE:FREQ=MONTHLY;BYDAY=%d%s", s.Week, days[s.Weekday]),
		"SUMMARY:" + escape(s.Name),
		"LOCATION:" + escape(s.Where),
		"DESCRIPTION:" + escape(fmt.Sprintf("%s: %s of each month, %02d:%02d UTC.", s.Name, s.ruleText(), s.Hour, s.Minute)),
		"TRANSP:TRANSPARENT",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escape escapes TEXT values (RFC 5545 section 3.3.11).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 sequence (RFC 5545 section 3.1).
func fold(line string) string {
	var b strings.Builder
	width := 0
	for _, r := range line {
		n := len(string(r))
		if width+n > 75 {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	b.WriteString("\r\n")
	return b.String()
}
