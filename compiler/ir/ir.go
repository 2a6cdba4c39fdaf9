// Package ir is the typed intermediate representation of a TICKscript task.
//
// The checker produces it from the syntax tree; the Go code generator, the
// DOT printer and `tickc check --ir` consume it and nothing else. Every value
// is resolved: vars are substituted, lists are spread, lambdas are typed
// expression trees, and each node knows its parents, children and edge types.
package ir

import (
	"fmt"
	"strings"
	"time"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/types"
)

// TaskType is stream or batch.
type TaskType string

const (
	Stream TaskType = "stream"
	Batch  TaskType = "batch"
)

// DBRP is a database and retention policy the task reads.
type DBRP struct {
	DB string `json:"db"`
	RP string `json:"rp"`
}

func (d DBRP) String() string { return `"` + d.DB + `"."` + d.RP + `"` }

// Task is one checked TICKscript.
type Task struct {
	ID    string   `json:"id"`
	Type  TaskType `json:"type"`
	DBRPs []DBRP   `json:"dbrps"`
	// Nodes in Kapacitor's creation order; Nodes[i].ID == i, and node 0 is
	// the source (stream or batch).
	Nodes []*Node `json:"nodes"`
	// Vars are the template declarations (`var x float`) with no value yet.
	Vars []TemplateVar `json:"vars,omitempty"`
	// GoFuncs are the functions of Go UDF packages (tickc build --udf)
	// that the task's lambdas call, in the order first called.
	GoFuncs []GoFunc `json:"goFuncs,omitempty"`
	// GoNodes are the node types of Go UDF packages that the task's
	// @name() nodes use, in the order first used.
	GoNodes []GoNode `json:"goNodes,omitempty"`
}

// GoNode is an exported struct type of a Go UDF package whose pointer has
// a Point or a Batch method (runtime/udf's PointNode and BatchNode). Scripts
// use it as @name(), the type's name with the first letter in lower case,
// and its options set the struct's exported fields.
type GoNode struct {
	Name    string `json:"name"`    // "scale"
	Package string `json:"package"` // its package's import path
	GoName  string `json:"goName"`  // "Scale"
	// Batch is set for a BatchNode, which wants and provides batches.
	Batch bool `json:"batch,omitempty"`
	// Fields maps each option to the field it sets: "by" → "By".
	Fields map[string]string `json:"fields"`
}

// GoFunc is an exported function of a Go UDF package. Lambdas call it by
// its Go name with the first letter in lower case: Celsius is celsius().
type GoFunc struct {
	Name    string       `json:"name"`    // as lambdas call it: "celsius"
	Package string       `json:"package"` // its package's import path
	GoName  string       `json:"goName"`  // "Celsius"
	Params  []types.Type `json:"params"`
	Result  types.Type   `json:"result"`
	// Err is set when the function also returns an error, which drops the
	// point as a failing lambda does.
	Err bool `json:"err,omitempty"`
}

// TemplateVar is a `var name type` declaration.
type TemplateVar struct {
	Name string     `json:"name"`
	Type types.Type `json:"type"`
	Pos  ast.Pos    `json:"pos"`
}

// Node is one pipeline node.
type Node struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"` // catalog name: "from", "window", "mean", "alert"
	// Name is Kapacitor's node name, Desc + ID: "from1", "alert2".
	Name     string       `json:"name"`
	Parents  []int        `json:"parents,omitempty"`
	Children []int        `json:"children,omitempty"`
	Wants    catalog.Edge `json:"wants"`
	Provides catalog.Edge `json:"provides"`
	Args     []Value      `json:"args,omitempty"`
	// Props are the property calls in source order; a property called twice
	// appears twice (where() is AND-ed, default().field() accumulates).
	Props []Prop `json:"props,omitempty"`
	// Handlers are the alert handlers in source order (alert nodes only).
	Handlers []Handler `json:"handlers,omitempty"`
	Pos      ast.Span  `json:"-"`
	Line     int       `json:"line"`
}

// Prop is one `.name(args)` call on a node or handler.
type Prop struct {
	Name string   `json:"name"`
	Args []Value  `json:"args,omitempty"`
	Pos  ast.Span `json:"-"`
}

// Handler is one alert handler, `.slack()`, with its own properties.
type Handler struct {
	Kind  string   `json:"kind"`
	Args  []Value  `json:"args,omitempty"`
	Props []Prop   `json:"props,omitempty"`
	Pos   ast.Span `json:"-"`
}

// Lookup returns the last call of the property called name, or nil.
func (n *Node) Lookup(name string) *Prop { return lookup(n.Props, name) }

// All returns every call of the property called name, in source order.
func (n *Node) All(name string) []Prop {
	var out []Prop
	for _, p := range n.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// Lookup returns the last call of the handler property called name, or nil.
func (h *Handler) Lookup(name string) *Prop { return lookup(h.Props, name) }

func lookup(props []Prop, name string) *Prop {
	for i := len(props) - 1; i >= 0; i-- {
		if props[i].Name == name {
			return &props[i]
		}
	}
	return nil
}

// Value is a resolved argument: a literal, a lambda, a list or a time dimension.
type Value struct {
	Type   types.Type    `json:"type"`
	Int    int64         `json:"int,omitempty"`
	Float  float64       `json:"float,omitempty"`
	Str    string        `json:"str,omitempty"` // string, and a regex's pattern
	Bool   bool          `json:"bool,omitempty"`
	Dur    time.Duration `json:"dur,omitempty"`
	Lambda *Expr         `json:"lambda,omitempty"`
	List   []Value       `json:"list,omitempty"`
	// TimeDim is set for time(length[, offset]) in query().groupBy.
	TimeDim *TimeDim `json:"timeDim,omitempty"`
	// NodeID is set for a node passed as an argument (join, union).
	NodeID int `json:"node,omitempty"`
	// Var names the template var (`var x float`) whose value fills this
	// value when a task is built from the template.
	Var string   `json:"var,omitempty"`
	Pos ast.Span `json:"-"`
}

// TimeDim is the value of time(length[, offset]).
type TimeDim struct {
	Length time.Duration `json:"length"`
	Offset time.Duration `json:"offset,omitempty"`
}

// ExprKind is the kind of a lambda expression node.
type ExprKind string

const (
	Lit    ExprKind = "lit"
	Ref    ExprKind = "ref" // a "field or tag" reference; Name holds its name
	Unary  ExprKind = "unary"
	Binary ExprKind = "binary"
	Call   ExprKind = "call"
)

// Expr is a typed lambda expression. Type is types.Unknown where it depends
// on the data (a field of unknown type, or an operation on one).
type Expr struct {
	Kind ExprKind     `json:"kind"`
	Type types.Type   `json:"type"`
	Op   ast.Operator `json:"-"`
	// OpText is Op as written, for the JSON form.
	OpText string   `json:"op,omitempty"`
	Name   string   `json:"name,omitempty"` // Ref: field/tag; Call: function
	Lit    *Value   `json:"lit,omitempty"`
	Args   []*Expr  `json:"args,omitempty"` // operands (Unary: 1, Binary: 2) or call arguments
	Pos    ast.Span `json:"-"`
}

// ParseDBRP parses "db.rp" or `"db"."rp"`, as kapacitor define -dbrp does.
func ParseDBRP(s string) (DBRP, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if i := strings.Index(s, `"."`); i > 0 && strings.HasSuffix(s, `"`) {
			return DBRP{DB: s[1:i], RP: s[i+3 : len(s)-1]}, nil
		}
	} else if i := strings.LastIndex(s, "."); i > 0 && i < len(s)-1 {
		return DBRP{DB: s[:i], RP: s[i+1:]}, nil
	}
	return DBRP{}, fmt.Errorf("invalid dbrp %q: want database.retention_policy, e.g. telegraf.autogen", s)
}
