// Package jsonfmt writes the JSON documents Kapacitor writes (alert events
// and query results) byte for byte as Go's encoding/json writes them, by
// appending to a reusable []byte without reflection or boxing.
package jsonfmt

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// UnsupportedValueError reports a float that JSON cannot represent.
// encoding/json refuses NaN and infinities with the same message.
type UnsupportedValueError struct {
	Value float64
}

func (e *UnsupportedValueError) Error() string {
	return "json: unsupported value: " + strconv.FormatFloat(e.Value, 'g', -1, 64)
}

// AppendFloat appends f as encoding/json does: like JavaScript, in 'f'
// notation unless its magnitude is below 1e-6 or at least 1e21, then in 'e'
// notation with at least one exponent digit ("1e-7", not "1e-07").
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, &UnsupportedValueError{f}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// strconv pads negative exponents to two digits.
		if n := len(dst); dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// AppendTime appends the time ns (nanoseconds since the Unix epoch) in UTC as
// a JSON string, as encoding/json writes a time.Time: RFC 3339 with as many
// fractional digits as needed.
func AppendTime(dst []byte, ns int64) []byte {
	dst = append(dst, '"')
	dst = time.Unix(0, ns).UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

const hex = "0123456789abcdef"

// htmlSafe marks the ASCII bytes encoding/json copies unescaped: the
// printable ones except '"' and '\\', and '<', '>' and '&', which it escapes
// so that JSON can be embedded in HTML.
var htmlSafe [utf8.RuneSelf]bool

func init() {
	for c := ' '; c < utf8.RuneSelf; c++ {
		htmlSafe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
}

// AppendString appends s as a JSON string, escaped as encoding/json escapes
// it: the usual short escapes, other control bytes and <, >, & as \u00XX,
// U+2028 and U+2029 as \u2028 and \u2029, and each byte of invalid UTF-8 as
// \ufffd.
func AppendString[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	dst = AppendStringContent(dst, s)
	return append(dst, '"')
}

// AppendStringContent appends s escaped as AppendString escapes it, without
// the quotes, for text that is spliced into a JSON string.
func AppendStringContent[S ~string | ~[]byte](dst []byte, s S) []byte {
	start := 0 // of the bytes not yet copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
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
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		// At most four bytes are converted, which stays on the stack.
		r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
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
	return append(dst, s[start:]...)
}
