// Package check type-checks a parsed TICKscript and builds its IR.
//
// It evaluates the script the way Kapacitor defines a task: statements run in
// order, vars are immutable, `|` creates nodes, `.` sets properties, lists are
// spread into arguments and identifiers inside lambdas are replaced by their
// values. Unlike Kapacitor it checks everything before anything runs: edge
// types, node rules, lambda types (against a schema when one is given) and
// alert templates, and it reports every error of a file with a hint.
package check

import (
	"fmt"
	"strings"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/schema"
	"github.com/tickc/tickc/compiler/types"
)

// Config is what the checker needs beyond the script itself.
type Config struct {
	// TaskID names the task; it defaults to the file's base name.
	TaskID string
	// DBRPs given outside the script (the -dbrp flag). A script may declare
	// its dbrps or take them from here, not both.
	DBRPs []ir.DBRP
	// Schema, when set, makes unknown fields and tags errors and types
	// lambdas against the real field types.
	Schema *schema.Schema
	// Vars, when not nil, are the values of the template vars, read from
	// VarsFile: they replace the declarations, so the IR has no template
	// vars left. They also override `var x = default` of the same type.
	Vars     map[string]Var
	VarsFile string
	// NeedValues makes a template var without a value an error, as
	// building a task needs every value. It is implied by Vars.
	NeedValues bool
	// UDFs are the user-defined functions @name() nodes may use (udf.go).
	UDFs UDFs
	// GoFuncs are the lambda functions of Go UDF packages, by name.
	GoFuncs map[string]*ir.GoFunc
	// Deadman is the [deadman] section of the configuration (deadman.go);
	// nil: Kapacitor's defaults, no global deadman.
	Deadman *Deadman
}

// Check builds the IR of prog. The task is nil when there are errors.
func Check(prog *ast.Program, cfg Config) (*ir.Task, diag.List) {
	c := &checker{
		file:      prog.File,
		cfg:       cfg,
		scope:     map[string]*value{},
		task:      &ir.Task{ID: cfg.TaskID},
		lambdaSrc: map[*ir.Expr]*ast.Lambda{},
		broken:    map[int]bool{},
		usedVars:  map[string]bool{},
	}
	c.run(prog)
	c.errs.Sort()
	if c.errs.HasErrors() {
		return nil, c.errs
	}
	return c.task, c.errs
}

type checker struct {
	file  string
	cfg   Config
	errs  diag.List
	task  *ir.Task
	scope map[string]*value
	// specs[i] and shapes[i] belong to task.Nodes[i].
	specs  []*catalog.Node
	shapes []*shape
	// lambdaSrc maps each lambda placeholder in the IR to its source;
	// pending lists them in the order they were written.
	lambdaSrc map[*ir.Expr]*ast.Lambda
	pending   []pendingLambda
	deadmen   []deadmanCrit
	// broken marks nodes with a reported property error.
	broken map[int]bool
	// kapacitorID counts the numbers Kapacitor gives nodes, for their names.
	kapacitorID int
	// usedVars marks the vars of cfg.Vars that a declaration took.
	usedVars map[string]bool
	// mixed is set when chains start with both stream and batch.
	mixed bool
}

func (c *checker) errorf(span ast.Span, notes []string, format string, args ...any) {
	c.errs.Add(c.file, span, notes, format, args...)
}

func (c *checker) warnf(span ast.Span, notes []string, format string, args ...any) {
	c.errs.Warn(c.file, span, notes, format, args...)
}

// run evaluates every statement, then checks the whole pipeline.
func (c *checker) run(prog *ast.Program) {
	c.dbrps(prog)
	typ, typSpan := c.taskType(prog)
	if typ == "" {
		return
	}
	c.task.Type = typ
	src := catalog.Nodes[string(typ)]
	root := c.addNode(src, nil, nil, nil, typSpan)
	c.scope[string(typ)] = &value{typ: types.Node, node: &nodeVal{id: root.ID}, predefined: true}

	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *ast.VarDecl:
			c.declare(s)
		case *ast.TypeDecl:
			c.declareTemplate(s)
		case *ast.ExprStmt:
			v := c.eval(s.X)
			if v != nil && v.typ != types.Node && v.typ != types.Invalid && !s.Glued {
				c.warnf(s.X.Span(), nil, "this %s value is not used", v.typ)
			}
		}
	}
	if len(c.task.Nodes) == 1 && !c.errs.HasErrors() {
		c.errorf(typSpan, []string{fmt.Sprintf("chain a node to %s, e.g. %s|from()...", typ, typ)}, "task does nothing: the pipeline has only the %s node", typ)
	}
	if d := c.cfg.Deadman; d != nil && d.Global && !c.errs.HasErrors() {
		c.globalDeadman(root, typSpan)
	}
	c.typeLambdas()
	c.validateAll()
	c.unusedVars()
}

// dbrps collects the dbrp statements and applies Kapacitor's rule: dbrps
// come from the script or from the configuration, never both.
func (c *checker) dbrps(prog *ast.Program) {
	var first *ast.DBRP
	seen := map[ir.DBRP]bool{}
	for _, s := range prog.Stmts {
		d, ok := s.(*ast.DBRP)
		if !ok {
			continue
		}
		if first == nil {
			first = d
		}
		dbrp := ir.DBRP{DB: d.DB.Name, RP: d.RP.Name}
		if seen[dbrp] {
			c.warnf(d.Span(), nil, "dbrp %s is declared twice", dbrp)
			continue
		}
		seen[dbrp] = true
		c.task.DBRPs = append(c.task.DBRPs, dbrp)
	}
	switch {
	case first != nil && len(c.cfg.DBRPs) > 0:
		c.errorf(first.Span(), []string{"remove the -dbrp flag or the dbrp statement"}, "dbrp given both in the script and on the command line")
	case first == nil && len(c.cfg.DBRPs) > 0:
		c.task.DBRPs = append(c.task.DBRPs, c.cfg.DBRPs...)
	case first == nil:
		c.errorf(ast.Span{Start: ast.Pos{Line: 1, Col: 1}, End: ast.Pos{Line: 1, Col: 1}},
			[]string{`add a line such as dbrp "telegraf"."autogen" at the top, or pass -dbrp telegraf.autogen`},
			"no database and retention policy: the task must say which data it reads")
	}
}

// taskType applies Kapacitor's rule: the leftmost identifier of every
// top-level chain must be stream, or every one must be batch.
func (c *checker) taskType(prog *ast.Program) (ir.TaskType, ast.Span) {
	var typ ir.TaskType
	var span ast.Span
	for _, s := range prog.Stmts {
		var x ast.Expr
		switch s := s.(type) {
		case *ast.VarDecl:
			switch s.Value.(type) {
			case *ast.Chain, *ast.Ident: // var data = stream counts too
				x = s.Value
			}
		case *ast.ExprStmt:
			if _, ok := s.X.(*ast.Chain); ok {
				x = s.X
			}
		}
		for x != nil {
			ch, ok := x.(*ast.Chain)
			if !ok {
				break
			}
			x = ch.X
		}
		id, ok := x.(*ast.Ident)
		if !ok || (id.Name != "stream" && id.Name != "batch") {
			continue
		}
		t := ir.TaskType(id.Name)
		if typ == "" {
			typ, span = t, id.Span()
			continue
		}
		if t != typ {
			c.mixed = true
			c.errorf(id.Span(), []string{fmt.Sprintf("a task is either a stream or a batch task; this one starts with %s at %s", typ, span.Start)},
				"cannot mix %s and %s in one task", typ, t)
		}
	}
	if typ == "" {
		c.errorf(ast.Span{Start: ast.Pos{Line: 1, Col: 1}, End: ast.Pos{Line: 1, Col: 1}},
			[]string{"start the pipeline with stream|from() for a stream task or batch|query(...) for a batch task"},
			"cannot tell the task type: no chain starts with stream or batch")
	}
	return typ, span
}

func (c *checker) declare(s *ast.VarDecl) {
	name := s.Name.Name
	if prev, ok := c.scope[name]; ok {
		if prev.predefined {
			c.errorf(s.Name.Span(), nil, "cannot redefine %s: it is predefined", name)
		} else {
			c.errorf(s.Name.Span(), []string{fmt.Sprintf("%s was defined at %s; choose another name", name, prev.span.Start)}, "attempted to redefine %s, vars are immutable", name)
		}
		return
	}
	v := c.eval(s.Value)
	if _, ok := c.cfg.Vars[name]; ok && v != nil {
		// The vars file overrides the default, with a value of its type.
		v = c.templateValue(name, v.typ, s.Name.Span())
	}
	if v == nil {
		v = &value{typ: types.Invalid}
	}
	v.span = s.Name.Span()
	c.scope[name] = v
}

// declareTemplate records `var name type`; template vars get their values
// when a task is built from the template, from the vars file when given.
func (c *checker) declareTemplate(s *ast.TypeDecl) {
	t, ok := types.ByName(s.Type.Name)
	if !ok {
		names := []string{"int", "float", "bool", "string", "regex", "duration", "lambda", "list", "star"}
		c.errorf(s.Type.Span(), suggest(s.Type.Name, names, ""), "unknown type %s in template declaration; want one of %s", s.Type.Name, strings.Join(names, ", "))
		return
	}
	if _, dup := c.scope[s.Name.Name]; dup {
		c.errorf(s.Name.Span(), nil, "attempted to redefine %s, vars are immutable", s.Name.Name)
		return
	}
	if _, ok := c.cfg.Vars[s.Name.Name]; ok {
		v := c.templateValue(s.Name.Name, t, s.Name.Span())
		if v == nil {
			v = &value{typ: types.Invalid}
		}
		c.scope[s.Name.Name] = v
		return
	}
	if c.cfg.Vars != nil || c.cfg.NeedValues {
		c.missingValue(s, t)
		c.scope[s.Name.Name] = &value{typ: types.Invalid, span: s.Name.Span()}
		return
	}
	c.task.Vars = append(c.task.Vars, ir.TemplateVar{Name: s.Name.Name, Type: t, Pos: s.Name.NamePos})
	c.scope[s.Name.Name] = &value{typ: t, template: true, span: s.Name.Span()}
}
