// Package catalog describes what TICKscript offers: every pipeline node with
// its chain methods and properties, every alert handler, and every lambda
// function, each with exact argument types.
//
// It is data, not behaviour: the checker resolves calls against it, the IR
// records what it resolved, and the DOT printer takes node names from it.
// The entries follow Kapacitor v1.8.3's pipeline package, including its
// quirks (no int to float coercion, properties that shadow chain methods).
package catalog

import (
	"sort"

	"github.com/tickc/tickc/compiler/types"
)

// Edge is the kind of data that flows along an edge of the pipeline.
type Edge uint8

const (
	NoEdge     Edge = iota // terminal nodes provide nothing; sources want nothing
	StreamEdge             // single points
	BatchEdge              // batches of points
	SameEdge               // provides: whatever the parent provides
	AnyEdge                // wants: stream or batch
)

func (e Edge) String() string {
	switch e {
	case StreamEdge:
		return "stream"
	case BatchEdge:
		return "batch"
	case SameEdge:
		return "same"
	case AnyEdge:
		return "any"
	}
	return "none"
}

func (e Edge) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Param is one argument position and the exact types it accepts.
// types.Any accepts any literal value.
type Param struct {
	Name  string
	Types []types.Type
}

// Accepts reports whether a value of type t may be passed for p.
func (p Param) Accepts(t types.Type) bool {
	for _, a := range p.Types {
		if a == t || a == types.Any {
			return true
		}
	}
	return false
}

// Signature is the argument list of a chain method, property or handler.
type Signature struct {
	Params   []Param
	Variadic *Param // trailing repeated parameter, if any
}

// Property is a `.name(args)` setter of a node or handler.
type Property struct {
	Name string
	Sig  Signature
	Doc  string
}

// Node describes one kind of pipeline node.
type Node struct {
	// Name is the chain method that creates the node: "from", "window", "mean".
	Name string
	// Desc is the node's name prefix in DOT output and stats, as Kapacitor
	// prints it: "from" in "from1", "http_out" in "http_out3".
	Desc string
	Doc  string
	// Sig is the chain method's argument list.
	Sig Signature
	// NodeArgs marks constructors whose arguments are other nodes that become
	// extra parents (join, union).
	NodeArgs bool
	// Wants and Provides are the edge types the node consumes and produces.
	Wants, Provides Edge
	// ParentMust is checked when the script is defined: Kapacitor panics
	// creating a window under a batch edge or a trickle under a stream edge.
	ParentMust Edge
	Props      []Property
	// Chainable nodes offer ChainMethods (less Hidden); others only Extra.
	Chainable bool
	// Extra lists chain methods beyond the common set (stream: from).
	Extra []string
	// Hidden lists common chain methods a same-named field shadows.
	Hidden []string
	// PropChains lists names that are both a property and a chain method;
	// written with `|` they create a node, with `.` they set the property.
	PropChains []string
	// Handlers marks the alert node: handler properties come from Handlers.
	Handlers bool
}

// Prop returns the property called name, or nil.
func (n *Node) Prop(name string) *Property {
	for i := range n.Props {
		if n.Props[i].Name == name {
			return &n.Props[i]
		}
	}
	return nil
}

// HasChain reports whether `|name()` may follow this node.
func (n *Node) HasChain(name string) bool {
	if name == "stats" || name == "deadman" {
		return true
	}
	for _, e := range n.Extra {
		if e == name {
			return true
		}
	}
	if !n.Chainable {
		return false
	}
	for _, h := range n.Hidden {
		if h == name {
			return false
		}
	}
	_, ok := Nodes[name]
	return ok && isCommonChain(name)
}

// ChainNames lists every chain method available after this node, sorted.
func (n *Node) ChainNames() []string {
	var out []string
	for name := range Nodes {
		if n.HasChain(name) {
			out = append(out, name)
		}
	}
	out = append(out, "deadman")
	sort.Strings(out)
	return out
}

// PropNames lists the node's property names, sorted.
func (n *Node) PropNames() []string {
	out := make([]string, 0, len(n.Props))
	for _, p := range n.Props {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

// Handler describes an alert handler such as `.slack()`.
type Handler struct {
	Name  string
	Doc   string
	Sig   Signature
	Props []Property
	// Global is true where the service can be enabled for every alert in
	// its config section (`global = true`).
	Global bool
	// Section is the kapacitor.conf section of the service.
	Section string
}

// Prop returns the handler property called name, or nil.
func (h *Handler) Prop(name string) *Property {
	for i := range h.Props {
		if h.Props[i].Name == name {
			return &h.Props[i]
		}
	}
	return nil
}

// FuncSig is one overload of a lambda function.
type FuncSig struct {
	Params []types.Type
	Result types.Type
}

// Function describes a lambda function such as sigma() or strContains().
type Function struct {
	Name     string
	Doc      string
	Sigs     []FuncSig
	Stateful bool
}

// Lookup tables, filled by the data files of this package.
var (
	Nodes     = map[string]*Node{}
	Handlers  = map[string]*Handler{}
	Functions = map[string]*Function{}
)

func register(n *Node)           { Nodes[n.Name] = n }
func registerHandler(h *Handler) { Handlers[h.Name] = h }
func registerFunc(f *Function)   { Functions[f.Name] = f }

// Convenience constructors for the data files.

func p(name string, ts ...types.Type) Param { return Param{Name: name, Types: ts} }

func sig(ps ...Param) Signature { return Signature{Params: ps} }

func variadic(v Param, ps ...Param) Signature { return Signature{Params: ps, Variadic: &v} }

func prop(name string, s Signature, doc string) Property {
	return Property{Name: name, Sig: s, Doc: doc}
}

// ChainMethods are the chain methods of every chainable node (Kapacitor's
// chainnode); stats and deadman are available on every node.
var ChainMethods = []string{
	"alert", "barrier", "bottom", "changeDetect", "combine", "count", "cumulativeSum",
	"default", "delete", "derivative", "difference", "distinct", "ec2Autoscale", "elapsed",
	"eval", "first", "flatten", "groupBy", "holtWinters", "holtWintersWithFit", "httpOut",
	"httpPost", "influxDBOut", "join", "k8sAutoscale", "kapacitorLoopback", "last", "log",
	"max", "mean", "median", "min", "mode", "movingAverage", "percentile", "sample", "shift",
	"sideload", "spread", "stateCount", "stateDuration", "stddev", "sum", "swarmAutoscale",
	"top", "trickle", "union", "where", "window",
}

func isCommonChain(name string) bool {
	for _, c := range ChainMethods {
		if c == name {
			return true
		}
	}
	return false
}

// IsChainMethod reports whether name is one of the common chain methods.
func IsChainMethod(name string) bool { return isCommonChain(name) }
