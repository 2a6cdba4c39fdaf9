package pipeline

import (
	"context"
	"log/slog"
	"time"
)

// This file is the log node's runtime. It logs what Kapacitor's log node
// logs (its diagnostic handler's LogPointData and LogBatchData), with the
// same messages and keys in the same order: a point is one "point" record;
// a batch is a "begin batch" record, one "batch point" record per point
// and an "end batch" record. Tags and fields are keys tag_NAME and
// field_NAME; times are RFC 3339 with nanoseconds, in UTC.

// LogPoint logs p at level as the log node node with .prefix(prefix) on a
// stream edge.
func LogPoint(l *slog.Logger, level slog.Level, node, prefix string, p *Point) {
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	var dims []string
	if p.Group != nil {
		dims = make([]string, len(p.Group.Tags))
		for i, t := range p.Group.Tags {
			dims[i] = t.Key
		}
	}
	attrs := make([]slog.Attr, 0, 8+len(p.Tags)+len(p.Fields))
	attrs = append(attrs, slog.String("node", node), slog.String("prefix", prefix), slog.String("name", p.Name),
		slog.String("db", p.DB), slog.String("rp", p.RP), slog.String("group", groupID(p.Group)),
		slog.Any("dimension", dims))
	attrs = appendTags(attrs, p.Tags)
	attrs = appendFields(attrs, p.Fields)
	attrs = append(attrs, logTime(p.Time))
	l.LogAttrs(ctx, level, "point", attrs...)
}

// LogBatch logs b at level as the log node node with .prefix(prefix) on a
// batch edge.
func LogBatch(l *slog.Logger, level slog.Level, node, prefix string, b *Batch) {
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	group := groupID(b.Group)
	head := []slog.Attr{slog.String("node", node), slog.String("prefix", prefix), slog.String("name", b.Name), slog.String("group", group)}
	edge := appendTags(append([]slog.Attr(nil), head...), b.Tags)
	edge = append(edge, logTime(b.TMax))
	l.LogAttrs(ctx, level, "begin batch", edge...)
	attrs := make([]slog.Attr, 0, len(head)+8)
	for i := range b.Points {
		p := &b.Points[i]
		attrs = appendTags(append(attrs[:0], head...), p.Tags)
		attrs = appendFields(attrs, p.Fields)
		attrs = append(attrs, logTime(p.Time))
		l.LogAttrs(ctx, level, "batch point", attrs...)
	}
	l.LogAttrs(ctx, level, "end batch", edge...)
}

func groupID(g *Group) string {
	if g == nil {
		return ""
	}
	return g.ID
}

func appendTags(attrs []slog.Attr, tags []Tag) []slog.Attr {
	for _, t := range tags {
		attrs = append(attrs, slog.String("tag_"+t.Key, t.Value))
	}
	return attrs
}

func appendFields(attrs []slog.Attr, fields []Field) []slog.Attr {
	for _, f := range fields {
		attrs = append(attrs, slog.Any("field_"+f.Key, f.Value.Any()))
	}
	return attrs
}

func logTime(ns int64) slog.Attr {
	return slog.String("time", time.Unix(0, ns).UTC().Format(time.RFC3339Nano))
}
