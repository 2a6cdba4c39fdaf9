package golden

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Placeholders in a case's config.toml for the UDF agent of runtime/udf's
// tests (runtime/udf/testdata/agent): UDF_AGENT is the path of its binary,
// for process agents (prog = "UDF_AGENT"); UDF_SOCKET is a unix socket in
// the test's temporary directory on which the harness runs the agent in
// its default mode, movingAvg, for a socket agent (socket = "UDF_SOCKET").
const (
	udfAgentPlaceholder  = "UDF_AGENT"
	udfSocketPlaceholder = "UDF_SOCKET"
)

// fillUDFAgents replaces the UDF placeholders of config, building the
// agent if they are there and serving the socket agent under dir.
func fillUDFAgents(t *testing.T, config []byte, dir string) []byte {
	t.Helper()
	if !bytes.Contains(config, []byte(udfAgentPlaceholder)) && !bytes.Contains(config, []byte(udfSocketPlaceholder)) {
		return config
	}
	agent, err := udfAgent()
	if err != nil {
		t.Fatal(err)
	}
	config = bytes.ReplaceAll(config, []byte(udfAgentPlaceholder), []byte(agent))
	if bytes.Contains(config, []byte(udfSocketPlaceholder)) {
		socket := filepath.Join(dir, "agent.sock")
		startSocketAgent(t, agent, socket)
		config = bytes.ReplaceAll(config, []byte(udfSocketPlaceholder), []byte(socket))
	}
	return config
}

// udfAgent builds the test agent once per test run, into the build cache
// directory that TestMain removes.
var udfAgent = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(buildCache(), "udf-agent", "agent")
	goCmd := os.Getenv("TICKC_GO")
	if goCmd == "" {
		goCmd = "go"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goCmd, "build", "-o", bin, "../runtime/udf/testdata/agent").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the UDF test agent: %v\n%s", err, out)
	}
	return bin, nil
})

// startSocketAgent runs the test agent serving the unix socket path until
// the test ends, and waits until it accepts connections.
func startSocketAgent(t *testing.T, agent, path string) {
	t.Helper()
	cmd := exec.Command(agent, "-socket", path)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("unix", path)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the socket agent does not listen on %s: %v", path, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
