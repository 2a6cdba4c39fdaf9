package server_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// benchLines is the number of lines per write request.
const benchLines = 100_000

// simpleBody returns n lines with two tags and one float field.
func simpleBody(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "cpu,host=server%02d,cpu=cpu-total usage_idle=%d.5 %d\n", i%100, i%100, 1709546400000000000+int64(i))
	}
	return b.Bytes()
}

// benchmarkIngest posts body over loopback HTTP to a task whose instance
// only counts, and reports points/s, points per CPU second, and allocations
// per point (client and server together).
func benchmarkIngest(b *testing.B, body []byte, gzipped bool) {
	fake := servertest.New("bench", false)
	inst, _ := fake.Program.New(&pipeline.Env{})
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	srv := httptest.NewServer(server.New(task, server.Options{}))
	defer srv.Close()
	client := srv.Client()
	url := srv.URL + "/kapacitor/v1/write?db=telegraf&rp=autogen"
	post := func() {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		if gzipped {
			req.Header.Set("Content-Encoding", "gzip")
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	post() // warm the pools

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		post()
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	points := float64(b.N) * benchLines
	b.ReportMetric(points/b.Elapsed().Seconds(), "points/s")
	if cpu > 0 {
		// Points per second of CPU time (client and server together): what
		// one core does, even on a busy machine.
		b.ReportMetric(points/cpu.Seconds(), "points/cpu-s")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/points, "allocs/point")
	if got := int(task.Counts().Received); got != (b.N+1)*benchLines {
		b.Fatalf("%d points received, want %d", got, (b.N+1)*benchLines)
	}
}

// BenchmarkIngestHTTP: 100k-line bodies, two tags and one field a line.
// Run with -cpu 1 for the one-core figure.
func BenchmarkIngestHTTP(b *testing.B) {
	benchmarkIngest(b, simpleBody(benchLines), false)
}

// BenchmarkIngestHTTPTelegraf: 100k Telegraf-like cpu lines (two tags, two
// fields).
func BenchmarkIngestHTTPTelegraf(b *testing.B) {
	benchmarkIngest(b, telegrafBody(benchLines), false)
}

// BenchmarkIngestHTTPGzip: the simple body, gzip-compressed.
func BenchmarkIngestHTTPGzip(b *testing.B) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(simpleBody(benchLines))
	zw.Close()
	benchmarkIngest(b, z.Bytes(), true)
}

// BenchmarkTaskWrite: the ingest path without HTTP (parse, convert,
// deliver), 100k simple lines a write.
func BenchmarkTaskWrite(b *testing.B) {
	fake := servertest.New("bench", false)
	inst, _ := fake.Program.New(&pipeline.Env{})
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	body := simpleBody(benchLines)
	now := time.Now()
	task.Write("telegraf", "autogen", body, lineprotocol.Nanosecond, now) // warm the intern table
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		task.Write("telegraf", "autogen", body, lineprotocol.Nanosecond, now)
	}
	cpu = cpuTime() - cpu
	points := float64(b.N) * benchLines
	b.ReportMetric(points/b.Elapsed().Seconds(), "points/s")
	if cpu > 0 {
		b.ReportMetric(points/cpu.Seconds(), "points/cpu-s")
	}
}
