// The Go runtime with two Ps: goroutines that allocate heavily while the garbage collector
// runs, which needs every thread to get turns (its workers, the allocating goroutines and
// the one polling the clock). Prints a checksum only a correct run gives.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
)

type node struct {
	next  *node
	value uint64
	pad   [48]byte
}

// Builds and walks linked lists, dropping each: garbage for the collector.
func churn(seed uint64, rounds int) uint64 {
	var sum uint64
	for round := 0; round < rounds; round++ {
		var head *node
		for i := uint64(0); i < 2000; i++ {
			head = &node{next: head, value: seed*31 + i}
		}
		for n := head; n != nil; n = n.next {
			sum += n.value
		}
	}
	return sum
}

func main() {
	runtime.GOMAXPROCS(2)
	const workers = 4
	const rounds = 200
	sums := make([]uint64, workers)
	var group sync.WaitGroup
	for w := 0; w < workers; w++ {
		group.Add(1)
		go func(w int) {
			defer group.Done()
			sums[w] = churn(uint64(w), rounds)
		}(w)
	}
	for i := 0; i < 5; i++ {
		runtime.GC()
	}
	group.Wait()
	var total, expected uint64
	for w := 0; w < workers; w++ {
		total += sums[w]
		// Each round adds 2000*seed*31 plus 0+1+...+1999.
		expected += uint64(rounds) * (2000*uint64(w)*31 + 1999*2000/2)
	}
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	if total != expected || stats.NumGC < 5 {
		fmt.Printf("wrong: total=%d expected=%d gc=%d\n", total, expected, stats.NumGC)
		os.Exit(1)
	}
	fmt.Printf("go: %d goroutines on GOMAXPROCS=%d, total=%d, at least 5 GC cycles\n", workers,
		runtime.GOMAXPROCS(0), total)
}
