package influxtest

import (
	"os/exec"
	"syscall"
)

// setPdeathsig has the kernel kill influxd if the test binary dies without
// running cleanups (e.g. on a go test -timeout panic), so no server outlives it.
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
