//go:build unix

package window

import "syscall"

// cpuNanos returns the CPU time the process has used, for benchmarks on
// loaded machines, where wall time says little.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
