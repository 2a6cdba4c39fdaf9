package alert

import (
	"bytes"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Events of stream points with the default templates, the common case, are
// made without maps: the templates, the JSON and the topic read the point's
// tags and fields, which are sorted by key as the maps' keys would be. An
// event costs a few allocations instead of a dozen, and no reflection.

// pointData is the data of an event of a stream point: a copy of the
// point's tags and fields (sorted by key, keys unique) and its time.
type pointData struct {
	tags   []pipeline.Tag
	fields []pipeline.Field
	time   time.Time
	// details is the Data.Details the event was made with and parts the
	// node's parts of them: the alert JSON renders the details again from
	// the event, escaped as a JSON string, rather than escape details (see
	// Data.AppendJSON).
	details string
	parts   *detailsParts
}

// detailsInfo returns the data of the default details of d, the event of
// pt, as Fire made it.
func (pt *pointData) detailsInfo(d *Data) detailsInfo {
	return detailsInfo{
		messageInfo: messageInfo{
			idInfo: idInfo{Name: d.Name, TaskName: pt.parts.taskName, Group: TemplateGroup(d.Group),
				ServerInfo: pt.parts.server},
			ID:       d.ID,
			Level:    d.Level.String(),
			Time:     d.Time,
			Duration: d.Duration,
		},
		Message: d.Message,
	}
}

// pointEvent holds an event's Data and a small point's tags and fields in
// one allocation.
type pointEvent struct {
	data   Data
	point  pointData
	tags   [4]pipeline.Tag
	fields [3]pipeline.Field
}

// materialize sets the maps and the series of an input made by PointInput.
func (in *Input) materialize() {
	p := in.point
	in.point = nil
	in.Tags, in.Fields = p.TagMap(), p.FieldMap()
	in.Series = PointSeries(p.Name, in.Tags, time.Unix(0, p.Time).UTC(), in.Fields)
}

// sortedKeys reports whether the point's tags and fields are sorted by key
// with no key twice, as pipeline.Point promises; maps would hide a breach.
func sortedKeys(p *pipeline.Point) bool {
	for i := 1; i < len(p.Tags); i++ {
		if p.Tags[i-1].Key >= p.Tags[i].Key {
			return false
		}
	}
	for i := 1; i < len(p.Fields); i++ {
		if p.Fields[i-1].Key >= p.Fields[i].Key {
			return false
		}
	}
	return true
}

// firePoint makes the Data of an event of the stream point in.point, if
// the node uses the default templates (see Fire).
func (n *Node) firePoint(ev Event, in *Input) (*Data, bool) {
	t, p := n.Templates, in.point
	if !t.defaultID || !t.defaultMessage || !t.defaultDetails || !sortedKeys(p) {
		return nil, false
	}
	if parts := t.detailsParts; t.TaskName != parts.taskName || t.Server != parts.server {
		return nil, false // changed since NewTemplates
	}
	e := &pointEvent{}
	pt := &e.point
	pt.tags = append(e.tags[:0:len(e.tags)], p.Tags...)
	pt.fields = append(e.fields[:0:len(e.fields)], p.Fields...)
	pt.time = time.Unix(0, p.Time).UTC()
	pt.parts = t.detailsParts

	d := &e.data
	d.ID, d.Message = n.idAndMessage(in.Name, in.Group, ev.Level)
	d.Time, d.Duration, d.Level = ev.Time, ev.Duration, ev.Level
	d.Recoverable = !n.Config.NoRecoveries
	d.Name, d.Group = in.Name, in.Group
	d.point = pt
	// The node's buffer rather than defaultDetails' pool: a node runs on
	// one goroutine.
	info := pt.detailsInfo(d)
	b, ok := detailsEncoder{parts: pt.parts}.appendDetails(n.cache.details[:0], &info, pt)
	if ok {
		d.Details = string(b)
	}
	n.cache.details = b
	pt.details = d.Details
	return d, true
}

// idAndMessage renders the default id and message, reusing the strings of
// the previous event when it had the same name and group: most nodes are
// not grouped or see one group at a time.
func (n *Node) idAndMessage(name, group string, l Level) (id, message string) {
	c := &n.cache
	if !c.ok || name != c.name || group != c.group {
		*c = renderCache{ok: true, name: name, group: group, id: name + ":" + TemplateGroup(group), details: c.details}
	}
	if l < OK || l > Critical {
		return c.id, c.id + " is " + l.String()
	}
	if c.messages[l] == "" {
		c.messages[l] = c.id + " is " + l.String()
	}
	return c.id, c.messages[l]
}

// renderCache holds the id and messages of the last name and group, and
// the buffer the details are rendered in.
type renderCache struct {
	ok          bool
	name, group string
	id          string
	messages    [Critical + 1]string
	details     []byte
}

// pointTags appends the tags of pt as stringMap appends the map of them.
func (e detailsEncoder) pointTags(dst []byte, pt *pointData) []byte {
	dst = append(dst, '{')
	for i, t := range pt.tags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, t.Key)
		dst = append(dst, ':')
		dst = e.str(dst, t.Value)
	}
	return append(dst, '}')
}

// pointFields appends the fields of pt as valueMap appends the map of
// their values.
func (e detailsEncoder) pointFields(dst []byte, pt *pointData) ([]byte, error) {
	dst = append(dst, '{')
	for i := range pt.fields {
		f := &pt.fields[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, f.Key)
		dst = append(dst, ':')
		if f.Value.Kind == pipeline.String {
			dst = e.str(dst, f.Value.S)
			continue
		}
		start := len(dst)
		var err error
		if dst, err = appendPointValue(dst, &f.Value); err != nil {
			return dst, err
		}
		// A number, true or false: only the '+' of an exponent needs
		// escaping.
		if bytes.IndexByte(dst[start:], '+') >= 0 {
			dst = e.piece(dst, start)
		}
	}
	return append(dst, '}'), nil
}

// appendPointValue appends v as appendValue appends v.Any().
func appendPointValue(dst []byte, v *pipeline.Value) ([]byte, error) {
	switch v.Kind {
	case pipeline.Float:
		return appendFloat(dst, v.F)
	case pipeline.Int:
		return appendInt(dst, v.I), nil
	case pipeline.String:
		return appendString(dst, v.S), nil
	case pipeline.Bool:
		return appendBool(dst, v.B), nil
	}
	return append(dst, "null"...), nil
}

// appendJSON appends the result of a point event as Result.appendJSON
// appends its PointSeries; utc may be nil.
func (pt *pointData) appendJSON(dst []byte, name string, utc *utcText) ([]byte, error) {
	dst = append(dst, `{"series":[{`...)
	if name != "" {
		dst = append(dst, `"name":`...)
		dst = appendString(dst, name)
		dst = append(dst, ',')
	}
	if len(pt.tags) > 0 {
		dst = append(dst, `"tags":{`...)
		for i, t := range pt.tags {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, t.Key)
			dst = append(dst, ':')
			dst = appendString(dst, t.Value)
		}
		dst = append(dst, "},"...)
	}
	dst = append(dst, `"columns":["time"`...)
	for i := range pt.fields {
		dst = append(dst, ',')
		dst = appendString(dst, pt.fields[i].Key)
	}
	dst = append(dst, `],"values":[[`...)
	var err error
	if dst, err = utc.appendTime(dst, pt.time); err != nil {
		return nil, err
	}
	for i := range pt.fields {
		dst = append(dst, ',')
		if dst, err = appendPointValue(dst, &pt.fields[i].Value); err != nil {
			return nil, err
		}
	}
	return append(dst, "]]}]}"...), nil
}

// TagMap returns the tags of the event (for a batch, the batch tags) as a
// map, for handlers with their own templates.
func (d *Data) TagMap() map[string]string {
	if d.Tags == nil && d.point != nil {
		d.Tags = pipeline.TagsMap(d.point.tags)
	}
	return d.Tags
}

// FieldMap returns the fields of the event's point (for a batch, of its
// highest-level point) as a map, for handlers with their own templates.
func (d *Data) FieldMap() map[string]interface{} {
	if d.Fields == nil && d.point != nil {
		p := pipeline.Point{Fields: d.point.fields}
		d.Fields = p.FieldMap()
	}
	return d.Fields
}

// Series returns the series of the event: the point, or the batch.
func (d *Data) Series() []Series {
	if d.Result.Series == nil && d.point != nil {
		d.Result.Series = []Series{PointSeries(d.Name, d.TagMap(), d.point.time, d.FieldMap())}
	}
	return d.Result.Series
}
