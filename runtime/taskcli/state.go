package taskcli

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/alert/store"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/urfave/cli/v2"
)

// dataDirFlag is --data-dir, which overrides the configuration's data_dir.
func dataDirFlag(replay bool) cli.Flag {
	usage := "keep the alert state and UDF snapshots in `DIR`, so that they survive restarts (default: the config's data_dir; none when empty)"
	if replay {
		usage = "load the alert state and UDF snapshots from `DIR` and keep them there when done, as serve does (default: none, so that a replay starts from a clean state)"
	}
	return &cli.StringFlag{Name: "data-dir", TakesFile: true, Usage: usage}
}

// dataDir returns the data directory a command uses: --data-dir, or for
// serve and record the configuration's data_dir. A replay persists nothing
// unless given --data-dir, so that testing a recording never changes the
// state of the served task.
func dataDir(c *cli.Context, cfg *Config, replay bool) string {
	if c.IsSet("data-dir") {
		return c.String("data-dir")
	}
	if replay {
		return ""
	}
	return cfg.DataDir
}

// openState opens the task's state file, <dir>/<task ID>.db, and sets it
// in env. It returns a nil store when dir is "" or the task has no state to
// keep: that of alert nodes and the snapshots of UDF agents (runtime/udf).
func (r *runner) openState(dir string, env *pipeline.Env, log *slog.Logger) (*store.Store, error) {
	if dir == "" || !hasAlertNode(r.p) && !hasAgentNode(r.p, env.Config) {
		return nil, nil
	}
	st, err := store.Open(filepath.Join(dir, r.p.ID+".db"), store.Options{Log: log})
	if err != nil {
		return nil, fmt.Errorf("opening the data directory: %w", err)
	}
	env.State = st
	return st, nil
}

// start opens the state store (when dataDir is set) and starts an
// instance of the task. The caller defers closeState(st, &err) right away,
// so that the state is saved after the task's own Close.
func (r *runner) start(env *pipeline.Env, dataDir string, log *slog.Logger) (*server.Task, *store.Store, error) {
	st, err := r.openState(dataDir, env, log)
	if err != nil {
		return nil, nil, err
	}
	inst, err := r.p.New(env)
	if err != nil {
		closeState(st, &err)
		return nil, nil, fmt.Errorf("starting task %s: %w", r.p.ID, err)
	}
	task := server.NewTask(r.p, inst)
	task.Alerts, _ = env.Alerts.(*alert.Topics)
	return task, st, nil
}

// closeState commits and closes st (nil is fine), keeping the first error.
func closeState(st *store.Store, err *error) {
	if st == nil {
		return
	}
	if cerr := st.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("saving the task's state: %w", cerr)
	}
}

func hasAlertNode(p *pipeline.Program) bool {
	for _, n := range p.Nodes {
		if strings.HasPrefix(n.Name, "alert") {
			return true
		}
	}
	return false
}

// hasAgentNode reports whether a node of the task runs the agent of a
// [udf.functions.NAME] section of cfg: it is named NAME followed by its
// number, as in Kapacitor.
func hasAgentNode(p *pipeline.Program, cfg pipeline.Config) bool {
	section, _ := cfg.Section("udf")
	fns, _ := section["functions"].(map[string]any)
	for _, n := range p.Nodes {
		for name := range fns {
			num, ok := strings.CutPrefix(n.Name, name)
			if ok && num != "" && strings.Trim(num, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}
