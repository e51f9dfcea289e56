package officehours

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The expected values were computed independently with Python's calendar
// and zoneinfo modules.
func TestThirdTuesday(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		want  string
		note  string
	}{
		{2026, time.December, "2026-12-15", "month starts on a Tuesday, five Tuesdays"},
		{2027, time.March, "2027-03-16", "starts on a Monday, five Tuesdays"},
		{2027, time.April, "2027-04-20", "starts on a Thursday"},
		{2027, time.September, "2027-09-21", "starts on a Wednesday: latest possible day"},
		{2027, time.October, "2027-10-19", "starts on a Friday"},
		{2028, time.February, "2028-02-15", "leap year February starting on a Tuesday"},
		{2026, time.June, "2026-06-16", "starts on a Monday"},
	}
	for _, tt := range tests {
		got := PSFGrants.InMonth(tt.year, tt.month)
		if d := got.Start.Format("2006-01-02"); d != tt.want || got.Start.Hour() != 13 || got.End.Sub(got.Start) != time.Hour {
			t.Errorf("%d-%02d (%s): %v-%v, want %s 13:00-14:00 UTC", tt.year, tt.month, tt.note, got.Start, got.End, tt.want)
		}
	}
	last := Schedule{Weekday: time.Tuesday, Week: -1, Hour: 13, Duration: time.Hour}
	if d := last.InMonth(2026, time.December).Start.Format("2006-01-02"); d != "2026-12-29" {
		t.Errorf("last Tuesday of December 2026 = %s", d)
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		now  string
		want []string
	}{
		{"2026-12-01 00:00", []string{"2026-12-15", "2027-01-19", "2027-02-16"}},
		{"2026-12-15 12:59", []string{"2026-12-15", "2027-01-19", "2027-02-16"}},
		{"2026-12-15 13:30", []string{"2026-12-15", "2027-01-19", "2027-02-16"}}, // in progress
		{"2026-12-15 14:00", []string{"2027-01-19", "2027-02-16", "2027-03-16"}}, // just ended
		{"2026-12-31 23:59", []string{"2027-01-19", "2027-02-16", "2027-03-16"}}, // year boundary
	}
	for _, tt := range tests {
		var got []string
		for _, s := range PSFGrants.Next(utc(tt.now), 3) {
			got = append(got, s.Start.Format("2006-01-02"))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Next(%s) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestLocalTimes(t *testing.T) {
	tests := []struct {
		zone         string
		year         int
		month        time.Month
		start, endAt string
	}{
		{"America/New_York", 2027, time.February, "Tue 2027-02-16 08:00 EST", "09:00"},
		{"America/New_York", 2027, time.March, "Tue 2027-03-16 09:00 EDT", "10:00"}, // two days after DST starts
		{"America/New_York", 2027, time.November, "Tue 2027-11-16 08:00 EST", "09:00"},
		{"Europe/London", 2027, time.March, "Tue 2027-03-16 13:00 GMT", "14:00"}, // BST starts 28 March
		{"Europe/London", 2027, time.April, "Tue 2027-04-20 14:00 BST", "15:00"},
		{"Australia/Sydney", 2027, time.March, "Wed 2027-03-17 00:00 AEDT", "01:00"},     // the next local day
		{"Australia/Sydney", 2027, time.April, "Tue 2027-04-20 23:00 AEST", "Wed 00:00"}, // AEDT ended 4 April
		{"Australia/Sydney", 2027, time.October, "Wed 2027-10-20 00:00 AEDT", "01:00"},
		{"Asia/Kolkata", 2026, time.December, "Tue 2026-12-15 18:30 IST", "19:30"},
	}
	for _, tt := range tests {
		loc, err := time.LoadLocation(tt.zone)
		if err != nil {
			t.Fatal(err)
		}
		s := PSFGrants.InMonth(tt.year, tt.month)
		var buf bytes.Buffer
		if err := PSFGrants.Print(&buf, []Session{s}, utc("2026-01-01 00:00"), loc); err != nil {
			t.Fatal(err)
		}
		ls := s.Start.In(loc)
		want := ls.Format("Mon 2006-01-02  15:04") + "-" + tt.endAt
		if got := ls.Format("Mon 2006-01-02 15:04 MST"); got != tt.start {
			t.Errorf("%s %d-%02d starts %s, want %s", tt.zone, tt.year, tt.month, got, tt.start)
		}
		if !strings.Contains(buf.String(), want) || !strings.Contains(buf.String(), "(13:00-14:00 UTC)") {
			t.Errorf("%s: printed\n%s\nwant a line with %q", tt.zone, buf.String(), want)
		}
	}
}

func TestStatus(t *testing.T) {
	s := PSFGrants.InMonth(2026, time.December)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if st := s.Status(utc("2026-12-15 13:15"), berlin); st != "in progress, ends in 45 min" {
		t.Errorf("status during = %q", st)
	}
	if st := s.Status(utc("2026-12-15 09:30"), berlin); st != "today, starts in 3 h 30 min" {
		t.Errorf("status same day = %q", st)
	}
	if st := s.Status(utc("2026-12-14 09:30"), berlin); st != "" {
		t.Errorf("status the day before = %q", st)
	}
}

// TestICSRoundTrip parses the calendar back with a standard iCalendar
// parser and expands its recurrence rule with an independent RRULE
// implementation: the occurrences must be our sessions, in UTC.
func TestICSRoundTrip(t *testing.T) {
	first := PSFGrants.InMonth(2026, time.December)
	var buf bytes.Buffer
	if err := PSFGrants.ICS(&buf, first, utc("2026-12-01 00:00")); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.SplitAfter(buf.String(), "\r\n") {
		if len(strings.TrimSuffix(line, "\r\n")) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
	cal, err := ical.NewDecoder(&buf).Decode()
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	ev := events[0]
	if uid, _ := ev.Props.Text(ical.PropUID); uid != PSFGrants.UID {
		t.Errorf("UID = %q", uid)
	}
	if sum, _ := ev.Props.Text(ical.PropSummary); sum != PSFGrants.Name {
		t.Errorf("SUMMARY = %q", sum)
	}
	if desc, _ := ev.Props.Text(ical.PropDescription); !strings.Contains(desc, "Third Tuesday of each month, 13:00 UTC") {
		t.Errorf("DESCRIPTION = %q", desc)
	}
	start, err := ev.DateTimeStart(time.UTC)
	if err != nil || !start.Equal(first.Start) || start.Location() != time.UTC {
		t.Errorf("DTSTART = %v (%v)", start, err)
	}
	set, err := ev.RecurrenceSet(time.UTC)
	if err != nil || set == nil {
		t.Fatalf("RRULE: %v", err)
	}
	got := set.Between(utc("2026-12-01 00:00"), utc("2028-12-31 23:59"), true)
	if len(got) != 25 {
		t.Fatalf("%d occurrences in 25 months", len(got))
	}
	for i, occ := range got {
		want := PSFGrants.InMonth(2026+(11+i)/12, time.Month((11+i)%12+1)).Start
		if !occ.Equal(want) {
			t.Errorf("occurrence %d = %v, want %v", i, occ, want)
		}
	}
}

func TestMainErrors(t *testing.T) {
	now := utc("2026-12-01 10:00")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-tz", "Mars/Olympus_Mons"}, 2, `unknown time zone "Mars/Olympus_Mons"`},
		{[]string{"-n", "-2"}, 2, "-n -2: want at least 1 session"},
		{[]string{"-n", "zero"}, 2, "invalid value"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-ics", filepath.Join(t.TempDir(), "no", "such", "dir.ics")}, 1, "no such file or directory"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		if code := Main(tt.args, &out, &errb, now, time.UTC); code != tt.code || !strings.Contains(errb.String(), tt.msg) {
			t.Errorf("officehours %v: exit %d, stderr %q; want %d and %q", tt.args, code, errb.String(), tt.code, tt.msg)
		}
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	ics := filepath.Join(dir, "psf.ics")
	if code := Main([]string{"-n", "2", "-tz", "Asia/Kolkata", "-ics", ics}, &out, &errb, now, time.UTC); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "PSF Grants Program office hours: PSF Discord server (text-only)\n" +
		"Third Tuesday of each month, 13:00 to 14:00 UTC. Times in Asia/Kolkata.\n\n" +
		"  Tue 2026-12-15  18:30-19:30 IST     (13:00-14:00 UTC)\n" +
		"  Tue 2027-01-19  18:30-19:30 IST     (13:00-14:00 UTC)\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if data, err := os.ReadFile(ics); err != nil || !strings.Contains(string(data), "RRULE:FREQ=MONTHLY;BYDAY=3TU") {
		t.Errorf("ics: %v", err)
	}
}
