package output

import (
	"fmt"
	"io"
	"time"

	"github.com/pysbom/pysbom/internal/vulndb"
)

// DBStatus is what pysbom db status writes: what the database holds and
// how old it is.
type DBStatus struct {
	Status *vulndb.Status
	Now    time.Time
}

// DBStatuses are the formats of a database's status.
var DBStatuses = &Registry[*DBStatus]{
	Default: "table",
	Formats: []Format[*DBStatus]{
		{"table", "records, sources and their age, for people", func(w io.Writer, d *DBStatus) error {
			st := d.Status
			fmt.Fprintf(w, "database: %s\nrecords:  %d (%d withdrawn) for %s and %s\nnewest:   %s\n",
				st.Path, st.Records, st.Withdrawn, Count(st.Packages, "package"), Count(st.Repos, "upstream repository"), st.Newest)
			for _, s := range st.Sources {
				fmt.Fprintf(w, "source:   %s (%s, imported %s, %s ago", s.Name, Count(s.Records, "record"), s.Imported.Format(time.RFC3339), d.Now.Sub(s.Imported).Round(time.Minute))
				if !s.Newest.IsZero() {
					fmt.Fprintf(w, "; newest advisory %s, %.0f days old", s.Newest.Format("2006-01-02"), d.Now.Sub(s.Newest).Hours()/24)
				}
				fmt.Fprintln(w, ")")
			}
			return nil
		}},
		{"json", "the same as JSON", func(w io.Writer, d *DBStatus) error { return writeJSON(w, d.Status) }},
	},
}
