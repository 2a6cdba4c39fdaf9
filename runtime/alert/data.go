package alert

import (
	"sort"
	"time"
)

// Data is one alert event as handlers receive it: Kapacitor's alert.Data,
// which the log, post, tcp and exec handlers send as JSON.
type Data struct {
	ID       string
	Message  string
	Details  string
	Time     time.Time
	Duration time.Duration
	Level    Level
	// Result is the data of the event: one series holding the point or the
	// whole batch.
	Result Result
	// PreviousLevel is the level the topic held for this event ID before
	// this event (OK if none); set by Topic.Collect.
	PreviousLevel Level
	// Recoverable is false with .noRecoveries().
	Recoverable bool

	// Name, Group (the raw group ID), Tags and Fields are the template data
	// of the event, for handlers with their own templates. They are not part
	// of the JSON. Events of stream points leave Tags, Fields and Result
	// empty, for TagMap, FieldMap and Series to fill in when needed.
	Name   string
	Group  string
	Tags   map[string]string
	Fields map[string]interface{}

	// TaskName is the task that raised the event (a topic handler's
	// taskName()); Category is its alert's .category(). NoExternal marks
	// an inhibited event (.inhibit()): handlers that call out skip it, the
	// aggregate and publish topic handlers pass it on.
	TaskName   string
	Category   string
	NoExternal bool

	point *pointData // the data of a stream point's event, instead of Result
	line  []byte     // cached JSON line
}

// Result is Kapacitor's models.Result: {"series":[...]}.
type Result struct {
	Series []Series
}

// Series is one series of a result (Kapacitor's models.Row). Values holds
// rows of time.Time (the time column), float64, int64, string, bool or nil;
// other types are encoded with encoding/json.
type Series struct {
	Name    string
	Tags    map[string]string
	Columns []string
	Values  [][]interface{}
}

// PointSeries returns the series of a stream point as Kapacitor's
// PointMessage.ToRow: columns "time" and the field names sorted, one row.
func PointSeries(name string, tags map[string]string, t time.Time, fields map[string]interface{}) Series {
	cols := make([]string, 1, len(fields)+1)
	cols[0] = "time"
	for k := range fields {
		cols = append(cols, k)
	}
	sort.Strings(cols[1:])
	row := make([]interface{}, len(cols))
	row[0] = t
	for i, c := range cols[1:] {
		row[i+1] = fields[c]
	}
	return Series{Name: name, Tags: tags, Columns: cols, Values: [][]interface{}{row}}
}

// BatchPoint is one point of a batch.
type BatchPoint struct {
	Time   time.Time
	Fields map[string]interface{}
	Tags   map[string]string
}

// BatchSeries returns the series of a batch as Kapacitor's
// BufferedBatchMessage.ToRow: tags are the batch (group) tags; columns are
// "time" and then, sorted together, every field name and every point tag
// that is not a batch tag; a value missing in a point is nil (null).
func BatchSeries(name string, tags map[string]string, points []BatchPoint) Series {
	s := Series{Name: name, Tags: tags}
	if len(points) == 0 {
		return s
	}
	fieldNames := make(map[string]struct{})
	tagNames := make(map[string]struct{})
	for _, p := range points {
		for f := range p.Fields {
			fieldNames[f] = struct{}{}
		}
		for t := range p.Tags {
			if _, ok := tags[t]; !ok {
				tagNames[t] = struct{}{}
			}
		}
	}
	// A name that is both a field and a point tag appears twice, as in
	// Kapacitor.
	cols := make([]string, 1, 1+len(fieldNames)+len(tagNames))
	cols[0] = "time"
	for f := range fieldNames {
		cols = append(cols, f)
	}
	for t := range tagNames {
		cols = append(cols, t)
	}
	sort.Strings(cols[1:])
	s.Columns = cols
	s.Values = make([][]interface{}, len(points))
	for i, p := range points {
		row := make([]interface{}, len(cols))
		row[0] = p.Time
		for j, c := range cols[1:] {
			if v, ok := p.Fields[c]; ok {
				row[j+1] = v
			} else if v, ok := p.Tags[c]; ok {
				row[j+1] = v
			}
		}
		s.Values[i] = row
	}
	return s
}

// JSON returns the event as Kapacitor's handlers write it: the JSON object
// followed by a newline, as json.Encoder.Encode writes alert.Data. The result
// is computed once and cached; do not modify it, nor d after the first call.
func (d *Data) JSON() ([]byte, error) {
	if d.line != nil {
		return d.line, nil
	}
	b, err := d.AppendJSON(nil)
	if err != nil {
		return nil, err
	}
	d.line = append(b, '\n')
	return d.line, nil
}

// MarshalJSON implements json.Marshaler with the same encoding as JSON,
// without the newline.
func (d Data) MarshalJSON() ([]byte, error) {
	return d.AppendJSON(nil)
}

// AppendJSON appends the JSON object of the event to dst, byte for byte as
// encoding/json encodes Kapacitor's alert.Data: keys id, message, details,
// time, duration, level, data, previousLevel, recoverable, in that order.
func (d *Data) AppendJSON(dst []byte) ([]byte, error) {
	var err error
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, d.ID)
	dst = append(dst, `,"message":`...)
	dst = appendString(dst, d.Message)
	dst = append(dst, `,"details":`...)
	pt := d.point
	var utc *utcText
	if pt != nil { // the event of a point has its time up to three times
		utc = new(utcText)
	}
	if pt != nil && d.Details != "" && d.Details == pt.details {
		// Rendering the default details again, escaped for JSON, is
		// cheaper than escaping them: they are full of &#34;.
		info := pt.detailsInfo(d)
		dst = append(dst, '"')
		dst, _ = detailsEncoder{inJSON: true, parts: pt.parts, utc: utc}.appendDetails(dst, &info, pt)
		dst = append(dst, '"')
	} else {
		dst = appendString(dst, d.Details)
	}
	dst = append(dst, `,"time":`...)
	if dst, err = utc.appendTime(dst, d.Time); err != nil {
		return nil, err
	}
	dst = append(dst, `,"duration":`...)
	dst = appendInt(dst, int64(d.Duration))
	dst = append(dst, `,"level":`...)
	dst = appendString(dst, d.Level.String())
	dst = append(dst, `,"data":`...)
	if pt != nil && d.Result.Series == nil {
		dst, err = pt.appendJSON(dst, d.Name, utc)
	} else {
		dst, err = d.Result.appendJSON(dst)
	}
	if err != nil {
		return nil, err
	}
	dst = append(dst, `,"previousLevel":`...)
	dst = appendString(dst, d.PreviousLevel.String())
	dst = append(dst, `,"recoverable":`...)
	dst = appendBool(dst, d.Recoverable)
	return append(dst, '}'), nil
}

// appendJSON appends the result as encoding/json encodes models.Result.
func (r *Result) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"series":`...)
	if r.Series == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range r.Series {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = r.Series[i].appendJSON(dst); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendJSON appends the series as encoding/json encodes models.Row, whose
// fields are all omitempty.
func (s *Series) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	start := len(dst)
	// key appends the object key k, preceded by a comma unless it is the
	// first member.
	key := func(dst []byte, k string) []byte {
		if len(dst) > start {
			dst = append(dst, ',')
		}
		return append(dst, k...)
	}
	if s.Name != "" {
		dst = key(dst, `"name":`)
		dst = appendString(dst, s.Name)
	}
	if len(s.Tags) > 0 {
		dst = key(dst, `"tags":`)
		dst = appendStringMap(dst, s.Tags)
	}
	if len(s.Columns) > 0 {
		dst = key(dst, `"columns":`)
		dst = append(dst, '[')
		for i, c := range s.Columns {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, c)
		}
		dst = append(dst, ']')
	}
	if len(s.Values) > 0 {
		dst = key(dst, `"values":`)
		dst = append(dst, '[')
		for i, row := range s.Values {
			if i > 0 {
				dst = append(dst, ',')
			}
			if row == nil {
				dst = append(dst, "null"...)
				continue
			}
			dst = append(dst, '[')
			for j, v := range row {
				if j > 0 {
					dst = append(dst, ',')
				}
				var err error
				if dst, err = appendValue(dst, v); err != nil {
					return nil, err
				}
			}
			dst = append(dst, ']')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// TemplateView is an event as Kapacitor's handler templates see it (its
// alert.Data): the kafka .template() and the [[httppost]] alert-template.
type TemplateView struct {
	ID            string
	Message       string
	Details       string
	Time          time.Time
	Duration      time.Duration
	Level         Level
	Data          Result
	PreviousLevel Level
	Recoverable   bool
}

// TemplateView returns the event as handler templates see it.
func (d *Data) TemplateView() TemplateView {
	return TemplateView{
		ID: d.ID, Message: d.Message, Details: d.Details, Time: d.Time, Duration: d.Duration,
		Level: d.Level, Data: Result{Series: d.Series()}, PreviousLevel: d.PreviousLevel, Recoverable: d.Recoverable,
	}
}
