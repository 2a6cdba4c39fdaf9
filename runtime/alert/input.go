package alert

import (
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// PointInput is the Input of an event triggered by a stream point. It
// refers to p, which must not change until Fire returns; Fire makes the
// maps and the series of the input only if it needs them (pointevent.go).
func PointInput(p *pipeline.Point) *Input {
	return &Input{Name: p.Name, Group: p.Group.ID, point: p}
}

// BatchInput is the Input of an event triggered by a batch: the batch's
// tags, the fields of its highest-level point, and the whole batch as data.
func BatchInput(b *pipeline.Batch, highest int) *Input {
	tags := make(map[string]string, len(b.Tags))
	for _, t := range b.Tags {
		tags[t.Key] = t.Value
	}
	points := make([]BatchPoint, len(b.Points))
	for i := range b.Points {
		p := &b.Points[i]
		points[i] = BatchPoint{Time: time.Unix(0, p.Time).UTC(), Fields: p.FieldMap(), Tags: p.TagMap()}
	}
	var fields map[string]interface{}
	if highest < len(points) {
		fields = points[highest].Fields
	}
	return &Input{Name: b.Name, Group: b.Group.ID, Tags: tags, Fields: fields, Series: BatchSeries(b.Name, tags, points)}
}
