package httpout

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tickc/tickc/runtime/pipeline"
)

// The append functions below write values exactly as encoding/json does by
// default, HTML-safe escaping included; json_test.go checks them against
// encoding/json.

const hex = "0123456789abcdef"

// safe[b] reports whether ASCII byte b is written as is inside a JSON
// string: not a control character, '"', '\\', '<', '>' or '&'.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range `"\<>&` {
		t[b] = false
	}
	return
}()

// appendString appends s as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendFloat appends f as encoding/json writes a float64: the shortest
// text that reads back as f, in exponent form below 1e-6 and from 1e21 on,
// with the exponent's leading zero dropped (1e-07 is written 1e-7). NaN and
// the infinities are the error encoding/json returns for them.
func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// appendValue appends a field value; a missing one is null.
func appendValue(dst []byte, v pipeline.Value) ([]byte, error) {
	switch v.Kind {
	case pipeline.Float:
		return appendFloat(dst, v.F)
	case pipeline.Int:
		return strconv.AppendInt(dst, v.I, 10), nil
	case pipeline.String:
		return appendString(dst, v.S), nil
	case pipeline.Bool:
		return strconv.AppendBool(dst, v.B), nil
	}
	return append(dst, "null"...), nil
}

// appendTime appends t (Unix nanoseconds) as encoding/json writes a UTC
// time.Time: quoted RFC 3339 with the nanoseconds that are not zero. Every
// int64 time is within the years time.Time.MarshalJSON accepts.
func appendTime(dst []byte, t int64) []byte {
	dst = append(dst, '"')
	dst = time.Unix(0, t).UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}
