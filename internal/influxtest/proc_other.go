//go:build !linux

package influxtest

import "os/exec"

// setPdeathsig is Linux-only; elsewhere a server can outlive a crashed test binary.
func setPdeathsig(*exec.Cmd) {}
