package pipeline

import (
	"bytes"
	"io"
	"log/slog"
	"testing"
)

// TestLogBatch checks the records of a batch: Kapacitor's log node logs a
// batch as "begin batch", one "batch point" per point and "end batch"
// (its diagnostic handler's LogBatchData), each with prefix, name, group,
// the tags, the fields (points only) and time, in that order.
func TestLogBatch(t *testing.T) {
	groups := NewGroups()
	tags := []Tag{{"host", "a"}}
	b := &Batch{Name: "cpu", TMax: 2e9, Tags: tags, Points: []Point{
		{Name: "cpu", Time: 1e9, Tags: tags, Fields: []Field{{"mean", FloatValue(1.5)}}},
		{Name: "cpu", Time: 2e9 + 5, Tags: tags, Fields: []Field{{"mean", FloatValue(2)}, {"n", IntValue(3)}}},
	}}
	b.SetGroup(groups.ByTags("cpu", tags, false))
	got := logged(func(l *slog.Logger) { LogBatch(l, slog.LevelWarn, "log2", "P", b) })
	want := `level=WARN msg="begin batch" node=log2 prefix=P name=cpu group="host=a" tag_host=a time=1970-01-01T00:00:02Z
level=WARN msg="batch point" node=log2 prefix=P name=cpu group="host=a" tag_host=a field_mean=1.5 time=1970-01-01T00:00:01Z
level=WARN msg="batch point" node=log2 prefix=P name=cpu group="host=a" tag_host=a field_mean=2 field_n=3 time=1970-01-01T00:00:02.000000005Z
level=WARN msg="end batch" node=log2 prefix=P name=cpu group="host=a" tag_host=a time=1970-01-01T00:00:02Z
`
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if got := logged(func(l *slog.Logger) { LogBatch(l, slog.LevelDebug, "log2", "P", b) }); got != "" {
		t.Errorf("below the logger's level: %q", got)
	}
}

// TestLogPoint checks the record of a point, Kapacitor's LogPointData:
// prefix, name, db, rp, group, dimension, the tags, the fields and time.
func TestLogPoint(t *testing.T) {
	groups := NewGroups()
	p := &Point{Name: "cpu", DB: "telegraf", RP: "autogen", Time: 3e9,
		Tags: []Tag{{"cpu", "cpu0"}, {"host", "a"}}, Fields: []Field{{"idle", FloatValue(90)}, {"up", BoolValue(true)}}}
	p.Group = groups.ByTags("cpu", []Tag{{"host", "a"}}, false)
	got := logged(func(l *slog.Logger) { LogPoint(l, slog.LevelInfo, "log1", "", p) })
	want := `level=INFO msg=point node=log1 prefix="" name=cpu db=telegraf rp=autogen group="host=a" dimension=[host] tag_cpu=cpu0 tag_host=a field_idle=90 field_up=true time=1970-01-01T00:00:03Z
`
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

// logged returns what f logs through a text logger at INFO, without the
// records' own times (the log node's "time" is a string).
func logged(f func(*slog.Logger)) string {
	var buf bytes.Buffer
	f(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
			return slog.Attr{}
		}
		return a
	}})))
	return buf.String()
}

// BenchmarkLogBatch logs a batch of 10 points to a text logger: at the
// logger's level (12 records), and below it (nothing to do).
func BenchmarkLogBatch(b *testing.B) {
	groups := NewGroups()
	tags := []Tag{{"host", "a"}}
	batch := &Batch{Name: "cpu", TMax: 1e9, Tags: tags}
	for i := range 10 {
		batch.Points = append(batch.Points, Point{Name: "cpu", Time: int64(i) * 1e8, Tags: tags, Fields: []Field{{"mean", FloatValue(float64(i))}}})
	}
	batch.SetGroup(groups.ByTags("cpu", tags, false))
	l := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		name  string
		level slog.Level
	}{{"logged", slog.LevelInfo}, {"below-level", slog.LevelDebug}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				LogBatch(l, c.level, "log2", "", batch)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch.Points)), "ns/point")
		})
	}
}
