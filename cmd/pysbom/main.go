// Command pysbom tells what Python software is made of. See the README.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/pysbom/pysbom/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
