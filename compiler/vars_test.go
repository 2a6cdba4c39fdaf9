package compiler_test

import (
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/types"
)

func TestParseVarsTaskDefinition(t *testing.T) {
	// kapacitor define-template/define -file: the vars sit under "vars".
	vars := compiler.ParseVars("def.json", []byte(`{
  "template-id": "cpu_template",
  "dbrps": [{"db": "telegraf", "rp": "autogen"}],
  "vars": {
    "window": {"type": "duration", "value": 60000000000},
    "groups": {"type": "list", "value": [{"type": "star"}]}
  }
}`))
	if len(vars.Diags) > 0 {
		t.Fatal(vars.Diags)
	}
	w := vars.Values["window"]
	if w.Type != types.Duration || w.Value.Dur != time.Minute || w.Pos.Start.Line != 5 {
		t.Errorf("window = %+v", w)
	}
	if g := vars.Values["groups"]; g.Type != types.List || len(g.Value.List) != 1 || g.Value.List[0].Type != types.Star {
		t.Errorf("groups = %+v", g)
	}
}

func TestCheckWithVars(t *testing.T) {
	src := []byte("dbrp \"db\".\"rp\"\nvar limit float\nstream|from().measurement('m')|alert().crit(lambda: \"v\" > limit)\n")
	vars := compiler.ParseVars("v.json", []byte(`{"limit": {"type": "float", "value": 2.5}}`))
	task, diags := compiler.Check("t.tick", src, compiler.Options{Vars: vars})
	if task == nil || len(diags) > 0 || len(task.Vars) > 0 {
		t.Fatalf("task %v, diags %v", task, diags)
	}
	crit := task.Nodes[2].Lookup("crit").Args[0].Lambda
	if lit := crit.Args[1].Lit; lit.Var != "" || lit.Float != 2.5 {
		t.Errorf("limit not substituted: %+v", lit)
	}
	if _, diags := compiler.Check("t.tick", src, compiler.Options{NeedValues: true}); !diags.HasErrors() {
		t.Error("NeedValues without vars: no error")
	}
}
