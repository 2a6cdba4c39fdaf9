package alert

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tickc/tickc/runtime/jsonfmt"
)

// The append functions below encode values exactly as encoding/json does by
// default (HTML-safe escaping included); json_test.go checks them against
// encoding/json.

// appendString appends s as a JSON string (jsonfmt's encoding, which is
// encoding/json's, HTML-safe escaping included).
func appendString(dst []byte, s string) []byte { return jsonfmt.AppendString(dst, s) }

// appendStringContent appends s escaped as appendString escapes it,
// without the quotes.
func appendStringContent(dst []byte, s string) []byte { return jsonfmt.AppendStringContent(dst, s) }

// isJSONSafe reports whether appendString copies the byte c as it is when
// it is a whole character.
func isJSONSafe(c byte) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// appendFloat appends f as encoding/json formats a float64; NaN and
// infinities are an error.
func appendFloat(dst []byte, f float64) ([]byte, error) { return jsonfmt.AppendFloat(dst, f) }

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
	return (*utcText)(nil).appendTime(dst, t)
}

// utcText is the text of the last UTC time written with it: the JSON of a
// point's event has the same time up to three times.
type utcText struct {
	t    time.Time
	n    int
	text [32]byte // "9999-12-31T23:59:59.999999999Z" is 30 bytes
}

// appendUTC appends t as appendUTC does, reusing the text of the last
// time when t is the same; u may be nil.
func (u *utcText) appendUTC(dst []byte, t time.Time) []byte {
	if u == nil {
		return appendUTC(dst, t)
	}
	if u.n == 0 || !t.Equal(u.t) {
		u.t, u.n = t, len(appendUTC(u.text[:0], t))
	}
	return append(dst, u.text[:u.n]...)
}

// appendTime is appendTime with u's text.
func (u *utcText) appendTime(dst []byte, t time.Time) ([]byte, error) {
	if isUTCInRange(t) {
		dst = append(dst, '"')
		dst = u.appendUTC(dst, t)
		return append(dst, '"'), nil
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, &json.MarshalerError{Type: timeType, Err: errTimeRange}
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"'), nil
}

// The Unix times of 0000-01-01 and 10000-01-01 UTC.
const (
	minUTCUnix = -62167219200
	endUTCUnix = 253402300800
)

// isUTCInRange reports whether t is in UTC, in the years 0 to 9999 that
// appendUTC writes, without working out its date.
func isUTCInRange(t time.Time) bool {
	sec := t.Unix()
	return t.Location() == time.UTC && sec >= minUTCUnix && sec < endUTCUnix
}

// mapKeys appends the keys of m to buf, sorted as encoding/json orders
// them; a small buf on the caller's stack avoids allocating for most maps.
func mapKeys[V any](m map[string]V, buf []string) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// appendStringMap appends m as a JSON object with sorted keys (nil is null).
func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	var arr [8]string
	keys := mapKeys(m, arr[:0])
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
