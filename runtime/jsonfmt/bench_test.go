package jsonfmt

import (
	"encoding/json"
	"fmt"
	"testing"
)

// benchAlert is an alert like those of the conformance case
// gs_cpu_alert_grouped, with the default JSON details.
func benchAlert() Alert {
	return Alert{
		ID:       "cpu:host=server1",
		Message:  "cpu:host=server1 is CRITICAL",
		Details:  `{&#34;Name&#34;:&#34;cpu&#34;,&#34;TaskName&#34;:&#34;gs_cpu_alert_grouped&#34;,&#34;Group&#34;:&#34;host=server1&#34;,&#34;Tags&#34;:{&#34;cpu&#34;:&#34;cpu-total&#34;,&#34;host&#34;:&#34;server1&#34;},&#34;Level&#34;:&#34;CRITICAL&#34;,&#34;Fields&#34;:{&#34;usage_idle&#34;:47.33}}`,
		Time:     1709546430000000000,
		Duration: 10000000000,
		Level:    "CRITICAL",
		Data: []Row{{
			Name:    "cpu",
			Tags:    []Tag{{"cpu", "cpu-total"}, {"datacenter", "us-east"}, {"host", "server1"}, {"service", "web"}},
			Columns: []string{"time", "usage_idle", "usage_system", "usage_user"},
			Values:  [][]Value{{TimeValue(1709546430000000000), FloatValue(47.33), FloatValue(13.54), FloatValue(39.13)}},
		}},
		PreviousLevel: "CRITICAL",
		Recoverable:   true,
	}
}

// benchRows is an httpOut result: one series per group.
func benchRows() []Row {
	rows := make([]Row, 10)
	for i := range rows {
		rows[i] = Row{
			Name:    "cpu",
			Tags:    []Tag{{"cpu", "cpu-total"}, {"host", fmt.Sprintf("server%d", i)}},
			Columns: []string{"time", "max", "usage_idle"},
			Values:  [][]Value{{TimeValue(1709546520000000000), FloatValue(9.27), FloatValue(86.72)}},
		}
	}
	return rows
}

func BenchmarkAppendAlert(b *testing.B) {
	a := benchAlert()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendAlert(buf[:0], &a)
	}
	b.SetBytes(int64(len(buf)))
}

// The same alert through encoding/json, for comparison.
func BenchmarkEncodingJSONAlert(b *testing.B) {
	a := benchAlert()
	k := kAlertData{ID: a.ID, Message: a.Message, Details: a.Details, Data: toKResult(a.Data)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendResult(b *testing.B) {
	rows := benchRows()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendResult(buf[:0], rows)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkEncodingJSONResult(b *testing.B) {
	k := toKResult(benchRows())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendFloat(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendFloat(buf[:0], 47.33)
	}
}

func BenchmarkAppendTime(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendTime(buf[:0], 1709546430123000000)
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := "cpu:host=server1 is CRITICAL"
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendString(buf[:0], s)
	}
}
