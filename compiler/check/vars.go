package check

import (
	"fmt"
	"sort"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/parser"
	"github.com/tickc/tickc/compiler/types"
)

// Var is the value of a template var, as a vars file gives it.
type Var struct {
	Type types.Type
	// Value is the literal: Int, Float, Bool, Str (a string, a regex's
	// pattern, or a lambda's expression text), Dur or List. Value.Pos is
	// where the value is written in the vars file.
	Value ir.Value
	// Pos is where the var's name is written in the vars file.
	Pos ast.Span
}

// templateValue gives a declared var its value from the vars file: the
// declared type is want (Invalid for `var x = default`, which any var of
// the default's type overrides). It reports problems and returns nil.
func (c *checker) templateValue(name string, want types.Type, decl ast.Span) *value {
	v := c.cfg.Vars[name]
	c.usedVars[name] = true
	if v.Type == types.Invalid {
		return nil // reported where the vars file was read
	}
	if v.Type != want {
		c.varErrorf(v.Pos, decl, []string{fmt.Sprintf(`%s is declared as %s at %s:%s; give it "type": %q`, name, aType(want), c.file, decl.Start, want.String())},
			"invalid type supplied for %s: want %s, got %s", name, want, v.Type)
		return nil
	}
	out := &value{typ: v.Type, lit: v.Value, span: decl}
	out.lit.Type = v.Type
	if v.Type != types.Lambda {
		return out
	}
	body, errs := parser.ParseLambda(c.cfg.VarsFile, v.Value.Str)
	if len(errs) > 0 {
		e := errs[0]
		c.varErrorf(v.Value.Pos, decl, []string{fmt.Sprintf("the lambda text is %q; the problem is at its column %d", v.Value.Str, e.Span.Start.Col)},
			"invalid lambda for template var %s: %s", name, e.Message)
		return nil
	}
	before := len(c.errs)
	c.resolveLambdaIdents(body)
	if c.rehome(before, name, decl) {
		return nil
	}
	out.lit = ir.Value{}
	out.varBody = body
	return out
}

// varErrorf reports a problem with a var of the vars file at its position
// there, or at the declaration when the var has no position (given by an API
// caller rather than read from a file).
func (c *checker) varErrorf(pos, decl ast.Span, notes []string, format string, args ...any) {
	if c.cfg.VarsFile == "" || !pos.Start.IsValid() {
		c.errorf(decl, notes, format, args...)
		return
	}
	c.errs.Add(c.cfg.VarsFile, pos, notes, format, args...)
}

// rehome moves the diagnostics reported since errs[before] from the text of
// template var name's lambda to span in the script, where that lambda is
// used: the positions inside the lambda text mean nothing in the script.
// It reports whether any of them is an error.
func (c *checker) rehome(before int, name string, span ast.Span) bool {
	bad := false
	for i := before; i < len(c.errs); i++ {
		d := &c.errs[i]
		d.File, d.Span = c.file, span
		d.Message = fmt.Sprintf("in template var %s (lambda: %s): %s", name, c.cfg.Vars[name].Value.Str, d.Message)
		bad = bad || d.Severity == diag.Error
	}
	return bad
}

// missingValue reports a template declaration with no value, when values
// are given or needed.
func (c *checker) missingValue(s *ast.TypeDecl, t types.Type) {
	example := fmt.Sprintf(`"%s": {"type": %q, "value": %s}`, s.Name.Name, t.String(), exampleValue(t))
	if c.cfg.VarsFile != "" {
		c.errorf(s.Name.Span(), []string{"add " + example + " to " + c.cfg.VarsFile}, "template var %s has no value in %s", s.Name.Name, c.cfg.VarsFile)
		return
	}
	c.errorf(s.Name.Span(), []string{"building a task from a template needs a value for every var: pass --vars FILE with " + example},
		"template var %s needs a value", s.Name.Name)
}

func exampleValue(t types.Type) string {
	switch t {
	case types.Int:
		return "10"
	case types.Float:
		return "90.0"
	case types.Bool:
		return "true"
	case types.Duration:
		return `"5m"`
	case types.Lambda:
		return `"\"usage_idle\" < 10.0"`
	case types.Regex:
		return `"^web"`
	case types.List:
		return `[{"type": "string", "value": "host"}]`
	case types.Star:
		return "null"
	}
	return `"..."`
}

// unusedVars warns about vars of the vars file that no declaration takes.
func (c *checker) unusedVars() {
	var declared []string
	for name, v := range c.scope {
		if !v.predefined && v.typ != types.Node {
			declared = append(declared, name)
		}
	}
	var names []string
	for name := range c.cfg.Vars {
		if !c.usedVars[name] && c.cfg.Vars[name].Type != types.Invalid {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		notes := suggest(name, declared, "")
		if len(notes) == 0 {
			notes = []string{"declare it in the script (var " + name + " " + c.cfg.Vars[name].Type.String() + ") or remove it from the vars file"}
		}
		c.errs.Warn(c.varsFileOr(), c.cfg.Vars[name].Pos, notes, "var %s is not declared in %s; its value is not used", name, c.file)
	}
}

func (c *checker) varsFileOr() string {
	if c.cfg.VarsFile == "" {
		return c.file
	}
	return c.cfg.VarsFile
}
