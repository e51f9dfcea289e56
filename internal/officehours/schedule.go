// Package officehours computes when the Python Software Foundation's
// Grants Program office hours take place and writes them as text or as an
// iCalendar (RFC 5545) event.
//
// The rule lives in one value, [PSFGrants]: a change of the PSF's
// schedule is one edit there.
package officehours

import (
	"fmt"
	"time"
)

// Schedule is a monthly event on the n-th given weekday of the month.
type Schedule struct {
	Name    string
	Where   string
	Weekday time.Weekday
	// Week is 1 to 4 for the first to fourth such weekday, or -1 for the last.
	Week int
	// Hour and Minute of the start, in UTC.
	Hour, Minute int
	Duration     time.Duration
	// UID identifies the recurring event in calendars; keep it stable.
	UID string
}

// PSFGrants is the PSF Grants Program office hours: text-only on the PSF
// Discord server, the third Tuesday of each month, 13:00 to 14:00 UTC.
var PSFGrants = Schedule{
	Name:     "PSF Grants Program office hours",
	Where:    "PSF Discord server (text-only)",
	Weekday:  time.Tuesday,
	Week:     3,
	Hour:     13,
	Duration: time.Hour,
	UID:      "psf-grants-program-office-hours@officehours.pysbom",
}

// Session is one occurrence, in UTC.
type Session struct {
	Start, End time.Time
}

// InMonth returns the session of the given month.
func (s Schedule) InMonth(year int, month time.Month) Session {
	var day time.Time
	if s.Week > 0 {
		first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
		offset := (int(s.Weekday) - int(first.Weekday()) + 7) % 7
		day = first.AddDate(0, 0, offset+7*(s.Week-1))
	} else {
		last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
		offset := (int(last.Weekday()) - int(s.Weekday) + 7) % 7
		day = last.AddDate(0, 0, -offset)
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, s.Minute, 0, 0, time.UTC)
	return Session{Start: start, End: start.Add(s.Duration)}
}

// Next returns the next n sessions that have not ended at now, starting
// with one in progress.
func (s Schedule) Next(now time.Time, n int) []Session {
	now = now.UTC()
	var out []Session
	y, m := now.Year(), now.Month()
	for len(out) < n {
		sess := s.InMonth(y, m)
		if sess.End.After(now) {
			out = append(out, sess)
		}
		m++
		if m > time.December {
			m, y = time.January, y+1
		}
	}
	return out
}

// Validate reports a schedule that cannot describe a monthly event.
func (s Schedule) Validate() error {
	switch {
	case s.Week == 0 || s.Week < -1 || s.Week > 4:
		return fmt.Errorf("week of month %d: want 1 to 4, or -1 for the last", s.Week)
	case s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59:
		return fmt.Errorf("start %02d:%02d is not a time of day", s.Hour, s.Minute)
	case s.Duration <= 0 || s.Duration > 24*time.Hour:
		return fmt.Errorf("duration %v: want more than zero and at most a day", s.Duration)
	}
	return nil
}
