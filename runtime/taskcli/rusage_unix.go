//go:build unix

package taskcli

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's peak resident set size in KiB (0 if unknown).
//
// On Linux it is VmHWM: getrusage's maxrss of a process started by a Go
// program (os/exec forks with CLONE_VM) starts out at the parent's peak,
// which says nothing about the task.
func peakRSS() int64 {
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range bytes.Lines(status) {
			if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
				v = bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))
				if kb, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64); err == nil {
					return kb
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) / 1024 // bytes there
	}
	return int64(ru.Maxrss)
}
