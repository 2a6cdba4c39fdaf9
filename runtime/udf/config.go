package udf

import (
	"fmt"
	"sort"
	"time"
)

// Function is one [udf.functions.NAME] section of kapacitor.conf: a
// process agent (prog, args, env) or a socket agent (socket), and the
// keepalive timeout. Kapacitor's keys, plus tickc's optional declaration
// of what the agent would answer to info (wants, provides, options), so
// that scripts can be checked without starting the agent.
type Function struct {
	Prog    string
	Args    []string
	Env     map[string]string
	Socket  string
	Timeout time.Duration
	// Declared is set when the section declares the agent's info.
	Declared *Info
}

// DefaultTimeout is Kapacitor's default keepalive timeout.
const DefaultTimeout = 10 * time.Second

// Functions reads the functions of a decoded [udf] section, as the task
// binary's config and `tickc build --config` give it.
func Functions(section map[string]any) (map[string]Function, error) {
	fns := map[string]Function{}
	all, _ := section["functions"].(map[string]any)
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m, ok := all[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("[udf.functions.%s] is not a table", name)
		}
		fn, err := function(m)
		if err != nil {
			return nil, fmt.Errorf("[udf.functions.%s]: %w", name, err)
		}
		fns[name] = fn
	}
	return fns, nil
}

func function(m map[string]any) (Function, error) {
	fn := Function{Timeout: DefaultTimeout}
	for key, v := range m {
		var err error
		switch key {
		case "prog":
			fn.Prog, err = str(key, v)
		case "socket":
			fn.Socket, err = str(key, v)
		case "args":
			fn.Args, err = strs(key, v)
		case "timeout":
			var s string
			if s, err = str(key, v); err == nil {
				fn.Timeout, err = time.ParseDuration(s)
			}
		case "env":
			env, ok := v.(map[string]any)
			if !ok {
				return fn, fmt.Errorf("env must be a table of strings")
			}
			fn.Env = map[string]string{}
			for k, x := range env {
				if fn.Env[k], err = str("env."+k, x); err != nil {
					return fn, err
				}
			}
		case "wants", "provides", "options":
			if fn.Declared == nil {
				fn.Declared = &Info{Options: map[string][]ValueType{}}
			}
			err = declare(fn.Declared, key, v)
		}
		if err != nil {
			return fn, err
		}
	}
	switch {
	case fn.Prog == "" && fn.Socket == "":
		return fn, fmt.Errorf("set prog (a process agent) or socket (a socket agent)")
	case fn.Prog != "" && fn.Socket != "":
		return fn, fmt.Errorf("set prog or socket, not both")
	}
	return fn, nil
}

// declare reads tickc's declaration keys: wants and provides ("stream" or
// "batch") and options, a table of option name → type name or list of
// type names ("bool", "int", "double", "string", "duration").
func declare(info *Info, key string, v any) error {
	if key != "options" {
		s, err := str(key, v)
		if err != nil {
			return err
		}
		var e EdgeType
		switch s {
		case "stream":
			e = Stream
		case "batch":
			e = Batch
		default:
			return fmt.Errorf("%s = %q: want \"stream\" or \"batch\"", key, s)
		}
		if key == "wants" {
			info.Wants = e
		} else {
			info.Provides = e
		}
		return nil
	}
	opts, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("options must be a table, e.g. options = {field = \"string\", size = \"int\"}")
	}
	for name, t := range opts {
		names, err := strs("options."+name, t)
		if s, isStr := t.(string); isStr {
			names, err = []string{s}, nil
		}
		if err != nil {
			return err
		}
		types := []ValueType{}
		for _, n := range names {
			vt, ok := valueTypeByName(n)
			if !ok {
				return fmt.Errorf("options.%s: unknown type %q: want bool, int, double, string or duration", name, n)
			}
			types = append(types, vt)
		}
		info.Options[name] = types
	}
	return nil
}

func valueTypeByName(s string) (ValueType, bool) {
	for i, n := range valueTypeNames {
		if n == s {
			return ValueType(i), true
		}
	}
	if s == "float" { // TICKscript's name for a double
		return Double, true
	}
	return 0, false
}

func str(key string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string", key)
	}
	return s, nil
}

func strs(key string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a list of strings", key)
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("%s must be a list of strings", key)
		}
		out = append(out, s)
	}
	return out, nil
}
