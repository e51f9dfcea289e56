// Package parallel runs independent pieces of work on a fixed number of
// goroutines: the one worker pool of pysbom's extractors, scanners and
// audits.
package parallel

import (
	"context"
	"runtime"
	"sync"
)

// For calls fn(i) for i in [0, n) on workers goroutines (GOMAXPROCS when
// workers <= 0) and returns when all calls have. Once ctx is done no new
// call starts; the caller checks ctx.Err().
func For(ctx context.Context, n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
