package gogen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/catalog"
)

// batchExamples is a use of each node kind after a batch edge, on batches
// of the query `data` (a float field v and a tag host); `other` is a
// second query, for the nodes with several parents.
var batchExamples = map[string]string{
	"where":              `|where(lambda: "v" > 0.5 AND sigma("v") < 3.0)`,
	"eval":               `|eval(lambda: "v" * 2.0, lambda: count(), lambda: string("v")).as('a', 'n', 's').tags('s').keep('v', 'a').quiet()`,
	"groupBy":            `|groupBy(*).exclude('cpu').byMeasurement()`,
	"default":            `|default().field('x', 1.0).field('n', 2).tag('dc', 'east')`,
	"delete":             `|delete().field('x').tag('host')`,
	"trickle":            `|trickle()|eval(lambda: "v" + 1.0).as('w').tags()|delete().tag('host')`,
	"shift":              `|shift(-1m)`,
	"sample":             `|sample(2)`,
	"changeDetect":       `|changeDetect('v')`,
	"derivative":         `|derivative('v').unit(1m).nonNegative().as('d')`,
	"stateDuration":      `|stateDuration(lambda: "v" > 1.0).unit(1m)`,
	"stateCount":         `|stateCount(lambda: "v" > 1.0)`,
	"sideload":           `|sideload().source('file:///nonexistent').order('{{.host}}.yml').field('f', 1.0).tag('t', 'x')`,
	"barrier":            `|barrier().idle(1m)`,
	"union":              `|union(other).rename('u')`,
	"join":               `|join(other).as('a', 'b').tolerance(1s)`,
	"combine":            `|combine(lambda: "v" > 1.0, lambda: TRUE).as('a', 'b')`,
	"flatten":            `|flatten().on('host')`,
	"log":                `|log().prefix('p')`,
	"httpOut":            `|httpOut('out')`,
	"httpPost":           `|httpPost('http://127.0.0.1:9/x').codeField('code')`,
	"influxDBOut":        `|influxDBOut().database('d').retentionPolicy('rp').measurement('m2')`,
	"kapacitorLoopback":  `|kapacitorLoopback().database('d2').retentionPolicy('rp')`,
	"alert":              `|alert().all().warn(lambda: "v" > 1.0).crit(lambda: "v" > 2.0).log('/dev/null')`,
	"stats":              `|stats(1m)`,
	"k8sAutoscale":       `|k8sAutoscale().resourceName('r').replicas(lambda: 2)`,
	"swarmAutoscale":     `|swarmAutoscale().serviceName('s').replicas(lambda: 2)`,
	"ec2Autoscale":       `|ec2Autoscale().groupName('g').replicas(lambda: 2)`,
	"count":              `|count('v')`,
	"distinct":           `|distinct('v')`,
	"mean":               `|mean('v')`,
	"median":             `|median('v')`,
	"mode":               `|mode('v')`,
	"spread":             `|spread('v')`,
	"sum":                `|sum('v')`,
	"first":              `|first('v')`,
	"last":               `|last('v')`,
	"min":                `|min('v').usePointTimes()`,
	"max":                `|max('v')`,
	"percentile":         `|percentile('v', 90.0)`,
	"top":                `|top(2, 'v', 'host')`,
	"bottom":             `|bottom(2, 'v')`,
	"stddev":             `|stddev('v')`,
	"elapsed":            `|elapsed('v', 1s)`,
	"difference":         `|difference('v')`,
	"movingAverage":      `|movingAverage('v', 2)`,
	"cumulativeSum":      `|cumulativeSum('v')`,
	"holtWinters":        `|holtWinters('v', 2, 0, 1m)`,
	"holtWintersWithFit": `|holtWintersWithFit('v', 2, 0, 1m)`,
	"deadman":            `|deadman(1.0, 1m)`,
}

const batchPrelude = `dbrp "telegraf"."autogen"

var data = batch
    |query('SELECT v FROM "telegraf"."autogen"."m"')
        .period(1m)
        .every(1m)
        .groupBy('host', 'cpu')

var other = batch
    |query('SELECT v FROM "telegraf"."autogen"."n"')
        .period(1m)
        .every(1m)
        .groupBy('host', 'cpu')

other
    |httpOut('other')
`

// TestBatchEdgeNodes makes sure that no node kind emits broken code after
// a batch edge: every node Kapacitor allows there either generates code
// that passes go vet (which type-checks it) in one program with all the
// others, or is refused by Generate with a clear "not supported" error.
func TestBatchEdgeNodes(t *testing.T) {
	var kinds []string
	for name, n := range catalog.Nodes {
		if n.Wants == catalog.AnyEdge || n.Wants == catalog.BatchEdge {
			if name != "query" && name != "queryFlux" { // sources' own children
				kinds = append(kinds, name)
			}
		}
	}
	kinds = append(kinds, "deadman")
	slices.Sort(kinds)

	var branches []string
	for _, kind := range kinds {
		example, ok := batchExamples[kind]
		if !ok {
			t.Errorf("%s is allowed after a batch edge but has no example in batchExamples", kind)
			continue
		}
		script := batchPrelude + "\ndata\n    " + example + "\n"
		task, diags := compiler.Check(kind+".tick", []byte(script), compiler.Options{})
		if task == nil || len(diags) > 0 {
			t.Errorf("%s: the checker refuses %s after a batch edge: %v", kind, example, diags)
			continue
		}
		if _, err := Generate(task, kind+".tick", []byte(script)); err != nil {
			if !strings.Contains(err.Error(), "not supported by this version of tickc") {
				t.Errorf("%s: %v", kind, err)
			} else {
				t.Logf("%s: refused: %v", kind, err)
			}
			continue
		}
		branches = append(branches, "data\n    "+example+"\n")
	}
	if len(branches) == 0 {
		t.Fatal("no node kind generated code")
	}

	vetProgram(t, generateScript(t, "all", batchPrelude+"\n"+strings.Join(branches, "\n")))
}

// generateScript checks script, which must have no diagnostics, as name.tick
// and returns the generated files.
func generateScript(t *testing.T, name, script string) map[string][]byte {
	t.Helper()
	task, diags := compiler.Check(name+".tick", []byte(script), compiler.Options{})
	if task == nil || len(diags) > 0 {
		t.Fatalf("check: %v\n%s", diags, script)
	}
	files, err := Generate(task, name+".tick", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// vetProgram runs go vet on a generated program, in a module that uses
// this checkout's runtime.
func vetProgram(t *testing.T, files map[string][]byte) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go vet on a task program")
	}
	goCmd := os.Getenv("TICKC_GO")
	if goCmd == "" {
		var err error
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Fatal("this test vets a task program and needs the go command")
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module tickctask\n\ngo 1.26\n\nrequire github.com/tickc/tickc v0.0.0\n\nreplace github.com/tickc/tickc => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.mod"], files["go.sum"] = []byte(gomod), sum
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
}
