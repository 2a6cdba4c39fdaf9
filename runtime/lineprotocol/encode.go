package lineprotocol

import "strconv"

// AppendPoint appends one line-protocol line (without newline) for a point,
// written as InfluxDB writes points: escaped the same way, tags and fields in
// the order given (pass them sorted by key), tags with empty values left out,
// floats in the shortest form that reads back exactly, the time in
// nanoseconds.
//
// Like InfluxDB, it does not escape backslashes, so a name, key or tag value
// with a backslash before an escapable byte, or ending in a backslash, does
// not read back as written; nor does a measurement starting with '#'.
func AppendPoint(dst, measurement []byte, tags []Tag, fields []Field, t int64) []byte {
	dst = appendEscaped(dst, measurement, ", ")
	for _, tag := range tags {
		if len(tag.Value) == 0 {
			continue
		}
		dst = append(dst, ',')
		dst = appendEscaped(dst, tag.Key, ", =")
		dst = append(dst, '=')
		dst = appendEscaped(dst, tag.Value, ", =")
	}
	for i := range fields {
		f := &fields[i]
		if i == 0 {
			dst = append(dst, ' ')
		} else {
			dst = append(dst, ',')
		}
		dst = appendEscaped(dst, f.Key, `, ="`)
		dst = append(dst, '=')
		switch f.Kind {
		case Float:
			dst = strconv.AppendFloat(dst, f.Float, 'f', -1, 64)
		case Int:
			dst = strconv.AppendInt(dst, f.Int, 10)
			dst = append(dst, 'i')
		case String:
			dst = append(dst, '"')
			dst = appendEscaped(dst, f.Str, `"\`)
			dst = append(dst, '"')
		case Bool:
			dst = strconv.AppendBool(dst, f.Bool)
		}
	}
	dst = append(dst, ' ')
	return strconv.AppendInt(dst, t, 10)
}

// appendEscaped appends s with a backslash before each byte of set.
func appendEscaped(dst, s []byte, set string) []byte {
	for _, c := range s {
		if indexByte(set, c) {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return dst
}
