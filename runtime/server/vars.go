package server

import (
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Var is a template var of Kapacitor's task resource (client/v1 Var): a
// duration's value is in nanoseconds, a list's is a list of Vars, a star's
// is null.
type Var struct {
	Type        string `json:"type"`
	Value       any    `json:"value"`
	Description string `json:"description"`
}

// TaskVars are the vars of a task's definition, by name, as the task
// resource has them; empty, not nil, for a task without (Kapacitor's
// "vars": {}).
func TaskVars(vars []pipeline.Var) map[string]Var {
	out := make(map[string]Var, len(vars))
	for _, v := range vars {
		out[v.Name] = apiVar(v)
	}
	return out
}

func apiVar(v pipeline.Var) Var {
	switch x := v.Value.(type) {
	case time.Duration:
		return Var{Type: v.Type, Value: int64(x)}
	case []pipeline.Var:
		items := make([]Var, len(x))
		for i, item := range x {
			items[i] = apiVar(item)
		}
		return Var{Type: v.Type, Value: items}
	}
	return Var{Type: v.Type, Value: v.Value}
}
