package parallel

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestFor(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 100} {
		seen := make([]int32, 50)
		For(context.Background(), len(seen), workers, func(i int) { atomic.AddInt32(&seen[i], 1) })
		for i, n := range seen {
			if n != 1 {
				t.Fatalf("workers %d: item %d ran %d times", workers, i, n)
			}
		}
	}
	For(context.Background(), 0, 4, func(int) { t.Fatal("called for no items") })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran int32
	For(ctx, 1000, 2, func(int) { atomic.AddInt32(&ran, 1) })
	if ran != 0 {
		t.Errorf("%d calls after cancellation", ran)
	}
}
