package officehours

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Status says where a session stands relative to now.
func (sess Session) Status(now time.Time, loc *time.Location) string {
	switch {
	case !now.Before(sess.Start) && now.Before(sess.End):
		return "in progress, ends in " + human(sess.End.Sub(now))
	case sameDay(now, sess.Start, loc):
		return "today, starts in " + human(sess.Start.Sub(now))
	}
	return ""
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}

func human(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// Print writes the sessions as a table in loc, with UTC beside.
func (s Schedule) Print(w io.Writer, sessions []Session, now time.Time, loc *time.Location) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", s.Name, s.Where)
	fmt.Fprintf(&b, "%s of each month, %02d:%02d to %s UTC. Times in %s.\n\n", s.ruleText(), s.Hour, s.Minute,
		time.Date(2000, 1, 1, s.Hour, s.Minute, 0, 0, time.UTC).Add(s.Duration).Format("15:04"), loc)
	for _, sess := range sessions {
		ls, le := sess.Start.In(loc), sess.End.In(loc)
		end := le.Format("15:04")
		if !sameDay(sess.Start, sess.End, loc) {
			end = le.Format("Mon 15:04")
		}
		line := fmt.Sprintf("  %s  %s-%s %-6s  (%s-%s UTC)", ls.Format("Mon 2006-01-02"), ls.Format("15:04"), end,
			ls.Format("MST"), sess.Start.Format("15:04"), sess.End.Format("15:04"))
		if st := sess.Status(now, loc); st != "" {
			line += "  " + st
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (s Schedule) ruleText() string {
	nth := map[int]string{1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}[s.Week]
	return nth + " " + s.Weekday.String()
}
