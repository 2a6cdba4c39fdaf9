package golden

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// The inputs of the batch_* cases are batch recordings (input.brpl) in
// Kapacitor's format: a zip archive whose entry "0" holds the batches of
// the task's first query node as a stream of JSON objects, which is what
// a query returns, one batch per series and run.

func init() {
	inputs["batch_cpu_alert"] = inputBatchCPUAlert
	inputs["batch_where_eval"] = inputBatchWhereEval
	inputs["batch_regroup"] = inputBatchRegroup
}

// TestBatchCPUAlertIsTheGuides checks that the batch_cpu_alert case runs
// the guide's script, with its alert log replaced by the placeholder.
func TestBatchCPUAlertIsTheGuides(t *testing.T) {
	guide, err := os.ReadFile("../examples/batch_cpu_alert.tick")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(casesDir + "/batch_cpu_alert/task.tick")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(string(guide), "/tmp/batch_alerts.log", alertLogPlaceholder); string(script) != want {
		t.Errorf("cases/batch_cpu_alert/task.tick is not examples/batch_cpu_alert.tick with the log path replaced by %s", alertLogPlaceholder)
	}
}

// recBatch and recPoint are a batch of a recording, as Kapacitor writes it.
type recBatch struct {
	Name   string            `json:"name"`
	TMax   time.Time         `json:"tmax"`
	ByName bool              `json:"byname"`
	Tags   map[string]string `json:"tags"`
	Points []recPoint        `json:"points"`
}

type recPoint struct {
	Fields map[string]any    `json:"fields"`
	Tags   map[string]string `json:"tags"`
	Time   time.Time         `json:"time"`
}

// brpl returns the recording of batches, all of the first query. The
// archive is stored uncompressed with zero times, so that it depends only
// on the batches.
func brpl(batches []recBatch) string {
	var entry bytes.Buffer
	enc := json.NewEncoder(&entry)
	for _, b := range batches {
		if err := enc.Encode(b); err != nil {
			panic(err)
		}
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "0", Method: zip.Store})
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(entry.Bytes()); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.String()
}

// series returns the batch of one series of a query run ending at stop:
// one point per minute before it, with the fields fields(i) of minute i
// (nil: no point), tagged like the series, TMax the last point's time.
func series(name string, tags map[string]string, stop time.Time, minutes int, fields func(i int) map[string]any) recBatch {
	b := recBatch{Name: name, Tags: tags}
	for i := range minutes {
		f := fields(i)
		if f == nil {
			continue
		}
		t := stop.Add(time.Duration(i-minutes) * time.Minute)
		b.Points = append(b.Points, recPoint{Fields: f, Tags: tags, Time: t})
		b.TMax = t
	}
	return b
}

// inputBatchCPUAlert: the guide's batch query (mean usage_idle per cpu in
// 1m buckets over 5m, every 5m) for six runs over four cpus: cpu0 is calm,
// cpu1 dips below 70 in the second and third runs, cpu2 in the fifth run
// only for one minute, cpu3 stays busy from the fourth run on.
func inputBatchCPUAlert() (string, string) {
	var batches []recBatch
	for run := range 6 {
		stop := t0.Add(time.Duration(run+1) * 5 * time.Minute)
		for c := range 4 {
			batches = append(batches, series("cpu", map[string]string{"cpu": fmt.Sprintf("cpu%d", c)}, stop, 5, func(i int) map[string]any {
				mean := 88 + 6*math.Sin(float64(run*5+i+c))
				switch {
				case c == 1 && (run == 1 || run == 2):
					mean = 62 + float64(i)
				case c == 2 && run == 4 && i == 2:
					mean = 69.5
				case c == 3 && run >= 3:
					mean = 40 + 3*float64(i)
				}
				return map[string]any{"mean": math.Round(mean*1000) / 1000}
			}))
		}
	}
	return "input.brpl", brpl(batches)
}

// inputBatchWhereEval: three runs of a query of two hosts' load and
// state, one point per minute over 5 minutes. Edge cases: a point whose
// load is a string (where and eval fail on it), points without load (the
// where lambda fails), a run where every point of server2 is filtered out
// (an empty batch goes on), server3 whose state is a bool in the second
// run, and a point of server2 without state. (A recording's numbers are
// all floats.)
func inputBatchWhereEval() (string, string) {
	var batches []recBatch
	for run := range 3 {
		stop := t0.Add(time.Duration(run+1) * 5 * time.Minute)
		for h := 1; h <= 3; h++ {
			host := fmt.Sprintf("server%d", h)
			batches = append(batches, series("system", map[string]string{"host": host}, stop, 5, func(i int) map[string]any {
				load := 0.5*float64(h) + 0.25*float64((run*5+i)%4)
				f := map[string]any{"load": load, "state": "up"}
				switch {
				case h == 1 && run == 0 && i == 3:
					f["load"] = "high"
				case h == 1 && run == 2 && i >= 3:
					delete(f, "load")
				case h == 2 && run == 1:
					f["load"] = 0.1 // all below the where threshold
				case h == 3 && run == 1:
					f["state"] = i%2 == 0 // a bool: the eval's if() fails
				case h == 3 && i == 4:
					f["state"] = "down"
				case h == 2 && run == 2 && i == 0:
					delete(f, "state")
				}
				return f
			}))
		}
	}
	return "input.brpl", brpl(batches)
}

// inputBatchRegroup: four runs of a query grouped by host and cpu (two
// hosts, two cpus, one of them without a dc tag), 3 points per series,
// so that groupBy merges series of one run; the third run has no point
// for host b, and series of host a lack usage_user now and then.
func inputBatchRegroup() (string, string) {
	var batches []recBatch
	for run := range 4 {
		stop := t0.Add(time.Duration(run+1) * 3 * time.Minute)
		for _, host := range []string{"a", "b"} {
			if host == "b" && run == 2 {
				continue
			}
			for c := range 2 {
				tags := map[string]string{"host": host, "cpu": fmt.Sprintf("cpu%d", c)}
				if host == "a" {
					tags["dc"] = "east"
				}
				batches = append(batches, series("cpu", tags, stop, 3, func(i int) map[string]any {
					idle := 50 + float64((run*7+i*3+c*11)%40)
					f := map[string]any{"usage_idle": idle, "usage_user": 100 - idle}
					if host == "a" && (run+i+c)%3 == 0 {
						delete(f, "usage_user")
					}
					return f
				}))
			}
		}
	}
	return "input.brpl", brpl(batches)
}
