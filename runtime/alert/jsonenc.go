package alert

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The append functions below encode values exactly as encoding/json does by
// default (HTML-safe escaping included); json_test.go checks them against
// encoding/json.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: '"' and '\\' escaped, \b \f \n
// \r \t as short escapes, other control characters and <, >, & as \u00XX,
// U+2028 and U+2029 escaped, and invalid UTF-8 replaced by \ufffd.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendStringContent(dst, s)
	return append(dst, '"')
}

// appendStringContent appends s escaped as appendString escapes it,
// without the quotes.
func appendStringContent(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
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
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// jsonSafe marks the ASCII bytes that appendString copies as they are.
// (Initialised with the package's variables, before any init function
// may use it.)
var jsonSafe = func() (safe [256]bool) {
	for c := range safe {
		safe[c] = isJSONSafe(byte(c))
	}
	return safe
}()

// isJSONSafe reports whether appendString copies the byte c as it is when
// it is a whole character.
func isJSONSafe(c byte) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// appendFloat appends f as encoding/json formats a float64: the shortest
// representation, in exponent form below 1e-6 and from 1e21 on (with a
// one-digit negative exponent written without padding). NaN and infinities
// are an error, as in encoding/json.
func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

func appendInt(dst []byte, i int64) []byte {
	return strconv.AppendInt(dst, i, 10)
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

var (
	errTimeRange = errors.New("Time.MarshalJSON: year outside of range [0,9999]")
	timeType     = reflect.TypeFor[time.Time]()
)

// appendTime appends t as time.Time.MarshalJSON does: quoted RFC 3339 with
// nanoseconds, in t's location.
func appendTime(dst []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, &json.MarshalerError{Type: timeType, Err: errTimeRange}
	}
	dst = append(dst, '"')
	if t.Location() == time.UTC {
		dst = appendUTC(dst, t)
	} else {
		dst = t.AppendFormat(dst, time.RFC3339Nano)
	}
	return append(dst, '"'), nil
}

// appendStringMap appends m as a JSON object with sorted keys (nil is null).
func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	var arr [8]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

// appendValue appends one value of a series row.
func appendValue(dst []byte, v interface{}) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case float64:
		return appendFloat(dst, v)
	case int64:
		return appendInt(dst, v), nil
	case int:
		return appendInt(dst, int64(v)), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return appendBool(dst, v), nil
	case time.Time:
		return appendTime(dst, v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(dst, b...), nil
	}
}
