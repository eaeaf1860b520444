// Go reads the clocks through the vDSO, which its runtime finds by its own ELF lookup
// (__vdso_clock_gettime at LINUX_2.6): a traced run shows no clock_gettime syscall. Prints
// "go time: ok" when the wall clock and the monotonic clock agree and never go back.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	previous := start
	for i := 0; i < 100000; i++ {
		now := time.Now()
		if now.Before(previous) {
			fmt.Println("go time: FAIL the monotonic clock went back")
			os.Exit(1)
		}
		previous = now
	}
	elapsed := time.Since(start)
	wall := previous.Round(0).Sub(start.Round(0)) // wall-clock readings only
	if elapsed < 0 || wall < 0 || wall-elapsed > time.Second || elapsed-wall > time.Second {
		fmt.Println("go time: FAIL wall", wall, "monotonic", elapsed)
		os.Exit(1)
	}
	fmt.Println("go time: ok")
}
