package compiler

import (
	"fmt"
	"os"
	"sort"

	"github.com/BurntSushi/toml"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/check"
	"github.com/tickc/tickc/compiler/types"
	"github.com/tickc/tickc/runtime/udf"
)

// UDFs are the user-defined functions of a kapacitor.conf-style config
// file: its [udf.functions.NAME] sections. A UDF is described by the
// section's own declaration (wants, provides, options) when it has one,
// else by its agent's answer to an info request: the agent is started the
// first time a script uses the UDF.
type UDFs struct {
	file  string
	fns   map[string]udf.Function
	known map[string]*check.UDF
}

// LoadUDFs reads the [udf.functions.NAME] sections of the TOML file path.
func LoadUDFs(path string) (*UDFs, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var conf map[string]any
	if _, err := toml.Decode(string(text), &conf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	section, _ := conf["udf"].(map[string]any)
	fns, err := udf.Functions(section)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &UDFs{file: path, fns: fns, known: map[string]*check.UDF{}}, nil
}

// Names lists the configured UDFs, sorted.
func (u *UDFs) Names() []string {
	names := make([]string, 0, len(u.fns))
	for name := range u.fns {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Lookup describes the UDF called name, asking its agent when the config
// declares nothing; nil, nil when no such UDF is configured.
func (u *UDFs) Lookup(name string) (*check.UDF, error) {
	if d, ok := u.known[name]; ok {
		return d, nil
	}
	fn, ok := u.fns[name]
	if !ok {
		return nil, nil
	}
	info := fn.Declared
	if info == nil {
		asked, err := udf.AskInfo(name, fn)
		if err != nil {
			return nil, fmt.Errorf("asking its agent (%s [udf.functions.%s]) for its info: %w", u.file, name, err)
		}
		info = &asked
	}
	d := &check.UDF{Wants: edge(info.Wants), Provides: edge(info.Provides), Options: map[string][]types.Type{}}
	for opt, vts := range info.Options {
		ts := []types.Type{}
		for _, vt := range vts {
			t, ok := optionTypes[vt]
			if !ok {
				return nil, fmt.Errorf("option %s has an unknown value type %s", opt, vt)
			}
			ts = append(ts, t)
		}
		d.Options[opt] = ts
	}
	u.known[name] = d
	return d, nil
}

func edge(e udf.EdgeType) catalog.Edge {
	if e == udf.Batch {
		return catalog.BatchEdge
	}
	return catalog.StreamEdge
}

// optionTypes maps the UDF protocol's value types to TICKscript's.
var optionTypes = map[udf.ValueType]types.Type{
	udf.Bool: types.Bool, udf.Int: types.Int, udf.Double: types.Float, udf.String: types.String, udf.Duration: types.Duration,
}

// udfs returns what @name() nodes may use: the node types of the --udf
// packages and the UDFs of the --config file (a Go node type hides a
// configured UDF of the same name); nil when there are none.
func (o Options) udfs() check.UDFs {
	s := udfSet{config: o.UDFs, nodes: map[string]*check.UDF{}}
	for _, u := range o.GoUDFs {
		for name, n := range u.Nodes {
			s.nodes[name] = n
		}
	}
	if s.config == nil && len(s.nodes) == 0 {
		return nil
	}
	return s
}

type udfSet struct {
	config *UDFs
	nodes  map[string]*check.UDF
}

func (s udfSet) Names() []string {
	var names []string
	if s.config != nil {
		names = s.config.Names()
	}
	for name := range s.nodes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (s udfSet) Lookup(name string) (*check.UDF, error) {
	if n, ok := s.nodes[name]; ok {
		return n, nil
	}
	if s.config == nil {
		return nil, nil
	}
	return s.config.Lookup(name)
}
