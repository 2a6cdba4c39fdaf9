package main

import (
	"strings"
	"testing"
)

// TestCheckUDFFlags checks a script using a UDF of a --config file (whose
// options are declared there) and the functions and nodes of a --udf Go
// package, and reports their misuse with positions.
func TestCheckUDFFlags(t *testing.T) {
	conf := writeScript(t, "udf.conf", `[udf.functions.movingAvg]
  prog = "/nonexistent/agent"
  wants = "stream"
  provides = "stream"
  options = {field = "string", size = "int"}
`)
	good := writeScript(t, "good.tick", `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('temp')
    @movingAvg()
        .field('f')
        .size(10)
    @scale()
        .field('f')
        .by(2.0)
    |eval(lambda: celsius("f"))
        .as('c')
`)
	code, out, errOut := tickc(t, "check", "--config", conf, "--udf", "../../compiler/testdata/goudf", good)
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	bad := writeScript(t, "bad.tick", `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('temp')
    @movingAvg()
        .feild('f')
    @scale()
        .by(2)
    |eval(lambda: celsius('f'))
        .as('c')
`)
	code, _, errOut = tickc(t, "check", "--config", conf, "--udf", "../../compiler/testdata/goudf", bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	for _, want := range []string{
		"bad.tick:7:9: error: @movingAvg() has no property feild",
		"note: did you mean .field()?",
		"bad.tick:9:13: error: argument 1 of .by() must be float, found int 2",
		"bad.tick:10:19: error: cannot call celsius(string); want celsius(float) float (the Go function example.com/goudf.Celsius)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("no %q in:\n%s", want, errOut)
		}
	}
}
