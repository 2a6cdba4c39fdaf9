// Command fake is a task binary around servertest's fake task, for trying
// the command line by hand and for the signal test:
//
//	go build -o /tmp/fake ./runtime/taskcli/testdata/fake
package main

import (
	"github.com/tickc/tickc/runtime/server/servertest"
	"github.com/tickc/tickc/runtime/taskcli"
)

func main() {
	fake := servertest.New("cpu_alert", false)
	taskcli.Main(&fake.Program)
}
