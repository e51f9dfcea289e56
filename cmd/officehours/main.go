// Command officehours shows when the next PSF Grants Program office hours
// are, in your time zone, and can write them to an iCalendar file.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // time zones even where the system has none

	"github.com/pysbom/pysbom/internal/officehours"
)

func main() {
	os.Exit(officehours.Main(os.Args[1:], os.Stdout, os.Stderr, time.Now(), time.Local))
}
