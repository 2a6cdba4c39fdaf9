package httpout

import (
	"slices"
	"strings"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Encoder writes points and batches as the JSON of Kapacitor's models.Row,
// the series format of httpOut, httpPost bodies and alert data. It keeps
// scratch memory between calls, so reusing one Encoder does not allocate;
// it is not safe for concurrent use. The zero value is ready to use.
//
// A row is the object {"name","tags","columns","values"}, each member left
// out when empty (models.Row tags them all omitempty), with tags as an
// object with sorted keys, times in RFC 3339 with nanoseconds in UTC, and
// numbers written as encoding/json writes float64 and int64. A float field
// that is NaN or infinite is an error, as encoding/json's, because
// Kapacitor cannot encode it either.
//
// Tags and fields are sorted by key in a pipeline.Point; should they not
// be, or should a key occur twice, rows still come out as Kapacitor writes
// its maps: sorted, the last value of a key winning.
type Encoder struct {
	cols  []string // the columns of a batch after "time"
	keys  []string // tag or field keys being ordered
	order []int
}

// AppendPointRow appends the row of a point, as Kapacitor's
// PointMessage.ToRow: the point's name and all its tags, columns "time"
// and the field keys in sorted order, and one row of values.
func AppendPointRow(dst []byte, p *pipeline.Point) ([]byte, error) {
	var e Encoder
	return e.AppendPointRow(dst, p)
}

// AppendBatchRow appends the row of a batch; see Encoder.AppendBatchRow.
func AppendBatchRow(dst []byte, b *pipeline.Batch) ([]byte, error) {
	var e Encoder
	return e.AppendBatchRow(dst, b)
}

// AppendPointResult appends the models.Result of one point,
// {"series":[row]}: an httpPost body or an alert's data.
func (e *Encoder) AppendPointResult(dst []byte, p *pipeline.Point) ([]byte, error) {
	n := len(dst)
	dst = append(dst, `{"series":[`...)
	dst, err := e.AppendPointRow(dst, p)
	if err != nil {
		return dst[:n], err
	}
	return append(dst, "]}"...), nil
}

// AppendBatchResult appends the models.Result of one batch,
// {"series":[row]}: an httpPost body or an alert's data.
func (e *Encoder) AppendBatchResult(dst []byte, b *pipeline.Batch) ([]byte, error) {
	n := len(dst)
	dst = append(dst, `{"series":[`...)
	dst, err := e.AppendBatchRow(dst, b)
	if err != nil {
		return dst[:n], err
	}
	return append(dst, "]}"...), nil
}

// AppendPointRow appends the row of a point, as Kapacitor's
// PointMessage.ToRow: the point's name and all its tags, columns "time"
// and the field keys in sorted order, and one row of values. On error dst
// is returned unchanged.
func (e *Encoder) AppendPointRow(dst []byte, p *pipeline.Point) ([]byte, error) {
	n := len(dst)
	dst = e.appendHead(dst, p.Name, p.Tags)
	order := e.fieldOrder(p.Fields)
	dst = append(dst, `"columns":["time"`...)
	for j := range order {
		dst = append(dst, ',')
		dst = appendString(dst, p.Fields[order[j]].Key)
	}
	dst = append(dst, `],"values":[[`...)
	dst = appendTime(dst, p.Time)
	for j := range order {
		dst = append(dst, ',')
		var err error
		if dst, err = appendValue(dst, p.Fields[order[j]].Value); err != nil {
			return dst[:n], err
		}
	}
	return append(dst, "]]}"...), nil
}

// AppendBatchRow appends the row of a batch, as Kapacitor's
// BufferedBatchMessage.ToRow: the batch's name and tags (the group's),
// then, if it has points, columns "time" followed by, sorted together, the
// field keys of the FIRST point and those of its tag keys that are not
// batch tags (a key that is both appears twice), and a row per point: its
// time, then for each column the point's field of that name, else its tag
// of that name, else null. Fields that only later points have are left
// out. On error dst is returned unchanged.
func (e *Encoder) AppendBatchRow(dst []byte, b *pipeline.Batch) ([]byte, error) {
	n := len(dst)
	dst = e.appendHead(dst, b.Name, b.Tags)
	if len(b.Points) == 0 {
		if dst[len(dst)-1] == ',' {
			dst = dst[:len(dst)-1]
		}
		return append(dst, '}'), nil
	}

	first := &b.Points[0]
	e.cols = e.cols[:0]
	for _, i := range e.fieldOrder(first.Fields) {
		e.cols = append(e.cols, first.Fields[i].Key)
	}
	for _, i := range e.tagOrder(first.Tags) {
		if !hasTag(b.Tags, first.Tags[i].Key) {
			e.cols = append(e.cols, first.Tags[i].Key)
		}
	}
	slices.Sort(e.cols)

	dst = append(dst, `"columns":["time"`...)
	for _, c := range e.cols {
		dst = append(dst, ',')
		dst = appendString(dst, c)
	}
	dst = append(dst, `],"values":[`...)
	for pi := range b.Points {
		p := &b.Points[pi]
		if pi > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = appendTime(dst, p.Time)
		// The columns are sorted: walk the point's fields and tags along
		// with them when they are sorted too.
		fs, ts := p.Fields, p.Tags
		fsSorted, tsSorted := fieldsSorted(fs), tagsSorted(ts)
		fi, ti := 0, 0
		for _, c := range e.cols {
			dst = append(dst, ',')
			var v pipeline.Value
			var ok bool
			if fsSorted {
				for fi < len(fs) && fs[fi].Key < c {
					fi++
				}
				for j := fi; j < len(fs) && fs[j].Key == c; j++ {
					v, ok = fs[j].Value, true // the last of equal keys
				}
			} else {
				v, ok = findField(fs, c)
			}
			if ok {
				var err error
				if dst, err = appendValue(dst, v); err != nil {
					return dst[:n], err
				}
				continue
			}
			var tv string
			if tsSorted {
				for ti < len(ts) && ts[ti].Key < c {
					ti++
				}
				for j := ti; j < len(ts) && ts[j].Key == c; j++ {
					tv, ok = ts[j].Value, true
				}
			} else {
				tv, ok = findTag(ts, c)
			}
			if ok {
				dst = appendString(dst, tv)
			} else {
				dst = append(dst, "null"...)
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, "]}"...), nil
}

// appendHead appends '{', the name and the tags members, each followed by
// a comma.
func (e *Encoder) appendHead(dst []byte, name string, tags []pipeline.Tag) []byte {
	dst = append(dst, '{')
	if name != "" {
		dst = append(dst, `"name":`...)
		dst = appendString(dst, name)
		dst = append(dst, ',')
	}
	if len(tags) > 0 {
		dst = append(dst, `"tags":{`...)
		for j, i := range e.tagOrder(tags) {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, tags[i].Key)
			dst = append(dst, ':')
			dst = appendString(dst, tags[i].Value)
		}
		dst = append(dst, "},"...)
	}
	return dst
}

// fieldOrder returns the indexes of fields in key order, keeping only the
// last of equal keys, as a Go map of them would hold. The result is valid
// until the next call.
func (e *Encoder) fieldOrder(fields []pipeline.Field) []int {
	e.keys = e.keys[:0]
	for i := range fields {
		e.keys = append(e.keys, fields[i].Key)
	}
	return e.unique()
}

// tagOrder is fieldOrder for tags.
func (e *Encoder) tagOrder(tags []pipeline.Tag) []int {
	e.keys = e.keys[:0]
	for i := range tags {
		e.keys = append(e.keys, tags[i].Key)
	}
	return e.unique()
}

// unique returns the indexes of e.keys in key order, the last of equal keys
// only.
func (e *Encoder) unique() []int {
	keys := e.keys
	e.order = e.order[:0]
	for i := range keys {
		e.order = append(e.order, i)
	}
	if slices.IsSorted(keys) && !hasAdjacentDup(keys) {
		return e.order // the usual case
	}
	slices.SortStableFunc(e.order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	out := e.order[:0]
	for j, i := range e.order {
		if j+1 < len(e.order) && keys[e.order[j+1]] == keys[i] {
			continue
		}
		out = append(out, i)
	}
	return out
}

func hasAdjacentDup(keys []string) bool {
	for i := 1; i < len(keys); i++ {
		if keys[i-1] == keys[i] {
			return true
		}
	}
	return false
}

func fieldsSorted(fields []pipeline.Field) bool {
	for i := 1; i < len(fields); i++ {
		if fields[i-1].Key > fields[i].Key {
			return false
		}
	}
	return true
}

func tagsSorted(tags []pipeline.Tag) bool {
	for i := 1; i < len(tags); i++ {
		if tags[i-1].Key > tags[i].Key {
			return false
		}
	}
	return true
}

// findField returns the last field called key, in unsorted fields.
func findField(fields []pipeline.Field, key string) (pipeline.Value, bool) {
	for i := len(fields) - 1; i >= 0; i-- {
		if fields[i].Key == key {
			return fields[i].Value, true
		}
	}
	return pipeline.Value{}, false
}

// findTag returns the value of the last tag called key, in unsorted tags.
func findTag(tags []pipeline.Tag, key string) (string, bool) {
	for i := len(tags) - 1; i >= 0; i-- {
		if tags[i].Key == key {
			return tags[i].Value, true
		}
	}
	return "", false
}

func hasTag(tags []pipeline.Tag, key string) bool {
	for i := range tags {
		if tags[i].Key == key {
			return true
		}
	}
	return false
}
