package jsonfmt

import "strconv"

// Kind is the type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Float
	Int
	String
	Bool
	Time
)

// Value is one cell of a row: a typed value without boxing. The zero Value
// is null.
type Value struct {
	Kind  Kind
	Float float64
	Int   int64 // also the nanoseconds of a Time
	Str   string
	Bool  bool
}

func FloatValue(f float64) Value { return Value{Kind: Float, Float: f} }
func IntValue(n int64) Value     { return Value{Kind: Int, Int: n} }
func StringValue(s string) Value { return Value{Kind: String, Str: s} }
func BoolValue(b bool) Value     { return Value{Kind: Bool, Bool: b} }
func TimeValue(ns int64) Value   { return Value{Kind: Time, Int: ns} }

// AppendValue appends v as encoding/json writes the Go value Kapacitor holds
// (float64, int64, string, bool, time.Time in UTC, or nil).
func AppendValue(dst []byte, v Value) ([]byte, error) {
	switch v.Kind {
	case Float:
		return AppendFloat(dst, v.Float)
	case Int:
		return strconv.AppendInt(dst, v.Int, 10), nil
	case String:
		return AppendString(dst, v.Str), nil
	case Bool:
		return strconv.AppendBool(dst, v.Bool), nil
	case Time:
		return AppendTime(dst, v.Int), nil
	}
	return append(dst, "null"...), nil
}

// Tag is one tag of a row.
type Tag struct {
	Key, Value string
}

// Row is Kapacitor's models.Row, a series of a query result.
type Row struct {
	Name string
	// Tags are sorted by key: Kapacitor holds them in a map, whose keys
	// encoding/json sorts.
	Tags    []Tag
	Columns []string
	// Values are the rows of the series; a nil row is written as null.
	Values [][]Value
}

// AppendRow appends r as encoding/json writes a models.Row, which omits
// empty members:
//
//	{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[["2024-03-04T10:00:00Z",1]]}
//
// On error (a NaN or infinite float) dst is returned as it was.
func AppendRow(dst []byte, r *Row) ([]byte, error) {
	start := len(dst)
	dst = append(dst, '{')
	if r.Name != "" {
		dst = appendMember(dst, `"name":`)
		dst = AppendString(dst, r.Name)
	}
	if len(r.Tags) > 0 {
		dst = appendMember(dst, `"tags":{`)
		for i, t := range r.Tags {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, t.Key)
			dst = append(dst, ':')
			dst = AppendString(dst, t.Value)
		}
		dst = append(dst, '}')
	}
	if len(r.Columns) > 0 {
		dst = appendMember(dst, `"columns":[`)
		for i, c := range r.Columns {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, c)
		}
		dst = append(dst, ']')
	}
	if len(r.Values) > 0 {
		dst = appendMember(dst, `"values":[`)
		for i, row := range r.Values {
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
				if dst, err = AppendValue(dst, v); err != nil {
					return dst[:start], err
				}
			}
			dst = append(dst, ']')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendMember appends the start of an object member, after a comma unless
// it is the first.
func appendMember(dst []byte, start string) []byte {
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	return append(dst, start...)
}

// AppendResult appends rows as encoding/json writes Kapacitor's
// models.Result, the body of httpOut and httpPost: {"series":[row,...]}, or
// {"series":null} for nil rows.
//
// On error (a NaN or infinite float) dst is returned as it was.
func AppendResult(dst []byte, rows []Row) ([]byte, error) {
	start := len(dst)
	if rows == nil {
		return append(dst, `{"series":null}`...), nil
	}
	dst = append(dst, `{"series":[`...)
	for i := range rows {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = AppendRow(dst, &rows[i]); err != nil {
			return dst[:start], err
		}
	}
	return append(dst, "]}"...), nil
}
