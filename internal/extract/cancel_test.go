package extract

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// TestCancelled: Ctrl-C reaches the workers; a cancelled read returns the
// cancellation, not a partial inventory.
func TestCancelled(t *testing.T) {
	venv := fixture.Venv(t, filepath.Join(t.TempDir(), "venv"))
	env, err := target.Resolve(context.Background(), venv, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	inv, err := Environment(ctx, env, Options{})
	if !errors.Is(err, context.Canceled) || inv != nil {
		t.Errorf("Environment after cancel: %v, %v", inv != nil, err)
	}
}
