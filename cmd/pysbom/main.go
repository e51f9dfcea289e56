// Command pysbom tells what Python software is made of. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pysbom/pysbom/internal/cli"
)

func main() {
	// SIGTERM (kill, a CI runner's timeout) stops work as Ctrl-C does:
	// temporary files are removed and nothing is left half-written.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
