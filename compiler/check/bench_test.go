package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler"
)

// bigScript generates a realistic stream script of at least lines lines:
// blocks of windowed aggregates with eval, alerts with templates and
// handlers, joins of two blocks and deadman switches.
func bigScript(lines int) string {
	var b strings.Builder
	b.WriteString("dbrp \"telegraf\".\"autogen\"\n\nvar warn = 80.0\nvar crit = 95.0\nvar period = 1m\n")
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		fmt.Fprintf(&b, `
// Block %[1]d: CPU of one service, per host.
var cpu%[1]d = stream
    |from()
        .measurement('cpu')
        .where(lambda: "service" == 'svc%[1]d' AND "cpu" =~ /^cpu[0-9]+$/)
        .groupBy('host', 'cpu')
    |window()
        .period(period)
        .every(10s)
    |mean('usage_idle')
        .as('idle')
    |eval(lambda: 100.0 - "idle", lambda: "used" > warn, lambda: string(int("used")))
        .as('used', 'hot', 'label')
        .tags('label')
        .keep()

cpu%[1]d
    |alert()
        .id('cpu%[1]d:{{ .Group }}')
        .message('{{ .ID }} is {{ .Level }}: {{ index .Fields "used" | printf "%%0.1f" }}%%')
        .details('{{ json . }}')
        .warn(lambda: "used" > warn AND "hot")
        .crit(lambda: sigma("used") > 3.0 OR "used" > crit)
        .stateChangesOnly(5m)
        .log('/tmp/cpu%[1]d.log')
        .slack()
            .channel('#alerts')

var mem%[1]d = stream
    |from()
        .measurement('mem')
        .where(lambda: "service" == 'svc%[1]d')
    |eval(lambda: float("used") / float("total") * 100.0)
        .as('used_pct')

cpu%[1]d
    |join(mem%[1]d)
        .as('cpu', 'mem')
        .tolerance(1s)
    |where(lambda: "cpu.used" > warn OR "mem.used_pct" > crit)
    |httpOut('svc%[1]d')

mem%[1]d
    |deadman(10.0, 1m, lambda: hour("time") >= 8 AND hour("time") <= 18)
`, i)
	}
	return b.String()
}

// BenchmarkCheck2000Lines checks a generated 2,000-line script; the target
// is well under 20 ms per check.
func BenchmarkCheck2000Lines(b *testing.B) {
	src := []byte(bigScript(2000))
	if _, diags := compiler.Check("big.tick", src, compiler.Options{}); len(diags) > 0 {
		b.Fatalf("the generated script has diagnostics: %v", diags)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		compiler.Check("big.tick", src, compiler.Options{})
	}
}
