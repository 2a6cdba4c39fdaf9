package lineprotocol

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchBody returns n lines made by line(i), newline-terminated.
func benchBody(n int, line func(i int) string) []byte {
	var b strings.Builder
	for i := range n {
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func benchmarkParse(b *testing.B, body []byte) {
	var p Parser
	points := 0
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p.Reset(body, Nanosecond, time.Time{})
		for p.Next() {
			points++
		}
		if len(p.Errors()) > 0 {
			b.Fatal(p.Errors()[0])
		}
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(points)
	b.ReportMetric(ns, "ns/point")
	b.ReportMetric(1e9/ns, "points/s")
}

// The line from the brief: two tags, one float field.
func BenchmarkParseSimple(b *testing.B) {
	benchmarkParse(b, benchBody(1000, func(i int) string {
		return fmt.Sprintf("cpu,host=host%03d,cpu=cpu-total usage_idle=87.5 %d", i%100, 1709546400000000000+int64(i))
	}))
}

// A Telegraf cpu line: four tags, ten float fields.
func BenchmarkParseTelegrafCPU(b *testing.B) {
	benchBodyCPU := benchBody(1000, func(i int) string {
		return fmt.Sprintf("cpu,cpu=cpu%d,datacenter=us-east,host=server%02d,service=web "+
			"usage_guest=0,usage_guest_nice=0,usage_idle=87.%d,usage_iowait=0.25,usage_irq=0,"+
			"usage_nice=0,usage_softirq=0.125,usage_steal=0,usage_system=2.51,usage_user=9.64 %d",
			i%8, i%50, i%10, 1709546400000000000+int64(i)*10e9)
	})
	benchmarkParse(b, benchBodyCPU)
}

// Unsorted tags, escapes, every field type.
func BenchmarkParseMixed(b *testing.B) {
	benchmarkParse(b, benchBody(1000, func(i int) string {
		return fmt.Sprintf(`app,service=api\ gw,host=h%d,dc=eu\,1 requests=%di,latency=%d.5,status="ok \"fine\"",healthy=true %d`,
			i%10, i, i%300, 1709546400000000000+int64(i))
	}))
}
