package lineprotocol

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// fieldStops are the bytes that matter to InfluxDB's fields scanner.
var fieldStops [256]bool

func init() {
	for _, c := range `\"=, ` {
		fieldStops[c] = true
	}
}

// scanFields validates the fields that start at i as InfluxDB's scanFields
// does, reads them into p.fields, and returns the index just past them.
// keyLen is the length of the series key, which InfluxDB limits together with
// each field key.
//
// Without quotes and backslashes, InfluxDB's second scanner (walkFields)
// splits the fields where this one does, so they are read on the way. With
// them, the two scanners can disagree, and splitFields reproduces the second.
func (p *Parser) scanFields(line []byte, i, keyLen int) (int, string) {
	start := i
	keyStart := i
	quoted, simple := false, true
	equals, commas := 0, 0
	for i < len(line) {
		c := line[i]
		if !fieldStops[c] {
			i++
			continue
		}
		if c == '\\' {
			simple = false
			if i+1 < len(line) {
				i += 2
				continue
			}
		}
		if c == '"' {
			simple = false
			if equals > commas {
				quoted = !quoted
				i++
				continue
			}
		}
		if quoted {
			i++
			continue
		}
		if c == ' ' {
			break
		}
		if c == ',' {
			commas++
			keyStart = i + 1
			i++
			continue
		}
		if c != '=' {
			i++
			continue
		}

		equals++
		if (line[i-1] == ' ' || line[i-1] == ',') && line[i-2] != '\\' {
			return i, "missing field key"
		}
		key := line[keyStart:i]
		if i+1 >= len(line) || line[i+1] == ',' || line[i+1] == ' ' {
			return i, fmt.Sprintf("field %q: missing value", key)
		}
		v := line[i+1]
		var end int
		switch {
		case simple && (isNumeric(v) || v == '-'):
			if end = p.plainNumber(key, line, i+1, keyLen); end > 0 {
				i = end
				continue
			}
			fallthrough
		case isNumeric(v) || v == '-' || v == 'N' || v == 'n':
			var msg string
			if end, msg = checkNumber(line, i+1); msg != "" {
				return end, fmt.Sprintf("field %q: %s", key, msg)
			}
		case v != '"':
			var ok bool
			if end, ok = checkBool(line, i+1); !ok {
				return end, fmt.Sprintf("field %q: invalid value %q (strings must be double-quoted)", key, token(line, i+1))
			}
		default:
			i++ // the quote is next
			continue
		}
		if simple {
			if msg := p.readField(key, false, line[i+1:end], keyLen); msg != "" {
				return end, msg
			}
		}
		i = end
	}

	if quoted {
		return i, "unbalanced quotes"
	}
	if equals == 0 || commas != equals-1 {
		return i, "invalid field format"
	}
	if !simple {
		p.fields = p.fields[:0]
		if msg := p.splitFields(line[start:i], keyLen); msg != "" {
			return i, msg
		}
	}
	sortFields(&p.fields)
	return i, ""
}

func isNumeric(c byte) bool { return c >= '0' && c <= '9' || c == '.' }

// token returns the value starting at i, up to the next ',' or ' '.
func token(line []byte, i int) []byte {
	end := i
	for end < len(line) && line[end] != ',' && line[end] != ' ' {
		end++
	}
	return line[i:end]
}

// Numbers with fewer characters than these always fit their type, so
// InfluxDB only range-checks longer ones while scanning.
const (
	intCheckDigits   = 19
	floatCheckDigits = 25
)

// checkNumber validates the number that starts at i (InfluxDB's scanNumber)
// and returns the index just past it.
func checkNumber(line []byte, i int) (int, string) {
	start := i
	if line[i] == '-' {
		i++
		if i == len(line) {
			return i, fmt.Sprintf("invalid number %q", "-")
		}
	}
	isInt, isUint, decimal, scientific, ok := false, false, false, false, true
	for ; i < len(line) && line[i] != ',' && line[i] != ' '; i++ {
		c := line[i]
		switch {
		case (c == 'i' || c == 'u') && i > start && !isInt && !isUint:
			isInt, isUint = c == 'i', c == 'u'
		case c == '.':
			ok = ok && !decimal
			decimal = true
		case (c == 'e' || c == 'E') && i > start:
			scientific = true
		case (c == '+' || c == '-') && (line[i-1] == 'e' || line[i-1] == 'E'):
		default:
			ok = ok && c >= '0' && c <= '9'
		}
	}
	text := line[start:i]

	digits := len(text)
	if isInt || isUint {
		digits--
	}
	if decimal {
		digits--
	}
	if text[0] == '-' {
		digits--
	}
	if !ok || digits == 0 || (isInt || isUint) && (decimal || scientific) {
		return i, fmt.Sprintf("invalid number %q", text)
	}

	switch {
	case isUint:
		return i, fmt.Sprintf("unsigned integer %q not supported", text)
	case isInt:
		if text[len(text)-1] != 'i' {
			return i, fmt.Sprintf("invalid number %q", text)
		}
		if len(text)-1 >= intCheckDigits {
			if _, ok := parseInt(text[:len(text)-1]); !ok {
				return i, fmt.Sprintf("integer out of range %q", text)
			}
		}
	case scientific || len(text) >= floatCheckDigits:
		if _, err := strconv.ParseFloat(unsafeString(text), 64); err != nil {
			return i, fmt.Sprintf("invalid float %q", text)
		}
	}
	return i, ""
}

// plainNumber reads the common numbers in one pass: a float without exponent
// whose digits fit in 53 bits and that has at most 22 decimals, or an integer
// of at most 18 digits. It appends the field and returns the index just past
// the value, or returns 0 for anything else, which checkNumber and readField
// handle. Such numbers are always valid, and parseFloat and parseInt read
// them the same way.
func (p *Parser) plainNumber(key, line []byte, i, keyLen int) int {
	neg := line[i] == '-'
	if neg {
		i++
	}
	var m uint64
	digits, dot := 0, -1
	for ; i < len(line); i++ {
		c := line[i]
		if d := c - '0'; d <= 9 {
			m = m*10 + uint64(d)
			digits++
			continue
		}
		if c == '.' && dot < 0 {
			dot = i
			continue
		}
		break
	}
	isInt := i < len(line) && line[i] == 'i' && dot < 0
	if isInt {
		i++
	}
	if i < len(line) && line[i] != ',' && line[i] != ' ' || digits == 0 || digits > 18 ||
		len(key) == 0 || keyLen+4+len(key) > MaxKeyLength {
		return 0
	}

	var f *Field
	if isInt {
		n := int64(m)
		if neg {
			n = -n
		}
		p.fields = append(p.fields, Field{}) // filled in place, see scanKey
		f = &p.fields[len(p.fields)-1]
		f.Kind, f.Int = Int, n
	} else {
		decimals := 0
		if dot >= 0 {
			decimals = i - dot - 1
		}
		if m > 1<<53 || decimals >= len(pow10) {
			return 0
		}
		x := float64(m) / pow10[decimals]
		if neg {
			x = -x
		}
		p.fields = append(p.fields, Field{})
		f = &p.fields[len(p.fields)-1]
		f.Kind, f.Float = Float, x
	}
	f.Key = key
	return i
}

// checkBool validates the boolean that starts at i (InfluxDB's scanBoolean)
// and returns the index just past it.
func checkBool(line []byte, i int) (int, bool) {
	start := i
	for i < len(line) && line[i] != ',' && line[i] != ' ' {
		i++
	}
	switch string(line[start:i]) {
	case "t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE":
		return i, true
	}
	return i, false
}

// splitFields splits validated fields into keys and values as InfluxDB's
// walkFields does, and reads them.
func (p *Parser) splitFields(buf []byte, keyLen int) string {
	for len(buf) > 0 {
		// The key ends at the first '=' not preceded by a backslash.
		i := 0
		for i < len(buf) && (buf[i] != '=' || i > 0 && buf[i-1] == '\\') {
			i++
		}
		key := buf[:i]
		if i > len(buf)-2 {
			return fmt.Sprintf("field %q: missing value", key)
		}
		buf = buf[i+1:]

		// The value ends at the first unquoted ','; only \" and \\ escape.
		quoted := false
		i = 0
		for i < len(buf) {
			c := buf[i]
			if c == '\\' && i+1 < len(buf) && (buf[i+1] == '"' || buf[i+1] == '\\') {
				i += 2
				continue
			}
			if c == '"' {
				quoted = !quoted
			} else if c == ',' && !quoted {
				break
			}
			i++
		}
		if msg := p.readField(key, bytes.IndexByte(key, '\\') >= 0, buf[:i], keyLen); msg != "" {
			return msg
		}
		buf = buf[i:]
		if len(buf) > 0 {
			buf = buf[1:]
		}
	}
	return ""
}

// readField converts a field as InfluxDB's field iterator does, typing the
// raw value by its first and last bytes, and appends it to p.fields. esc
// tells whether rawKey has a backslash.
func (p *Parser) readField(rawKey []byte, esc bool, v []byte, keyLen int) string {
	if n := keyLen + 4 + len(rawKey); n > MaxKeyLength {
		return fmt.Sprintf("max key length exceeded: %d > %d", n, MaxKeyLength)
	}
	key := p.unescapeIf(esc, rawKey, fieldKeyEscapes)
	if len(key) == 0 {
		return "missing field key"
	}
	if len(v) == 0 {
		return fmt.Sprintf("field %q: missing value", key)
	}
	p.fields = append(p.fields, Field{}) // filled in place, see scanKey
	f := &p.fields[len(p.fields)-1]
	f.Key = key
	switch c := v[0]; {
	case c == '"':
		if len(v) < 2 {
			return "unbalanced quotes"
		}
		s := v[1 : len(v)-1]
		f.Kind, f.Str = String, p.unescapeIf(bytes.IndexByte(s, '\\') >= 0, s, stringEscapes)
	case c >= '0' && c <= '9' || c == '-' || c == '.' || c == 'n' || c == 'N' || c == 'i' || c == 'I' || c == 'u':
		switch v[len(v)-1] {
		case 'i':
			n, ok := parseInt(v[:len(v)-1])
			if !ok {
				return fmt.Sprintf("field %q: invalid integer %q", key, v)
			}
			f.Kind, f.Int = Int, n
		case 'u':
			return fmt.Sprintf("field %q: unsigned integer %q not supported", key, v)
		default:
			x, err := parseFloat(v)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return fmt.Sprintf("field %q: invalid float %q", key, v)
			}
			f.Kind, f.Float = Float, x
		}
	default:
		b, err := strconv.ParseBool(unsafeString(v))
		if err != nil {
			return fmt.Sprintf("field %q: invalid value %q (strings must be double-quoted)", key, v)
		}
		f.Kind, f.Bool = Bool, b
	}
	return ""
}

// sortFields sorts fields by key and keeps the last of equal keys, as
// writing them into a map in order would.
func sortFields(fields *[]Field) {
	fs := *fields
	dups := false
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0; j-- {
			c := compare(fs[j-1].Key, fs[j].Key)
			if c < 0 {
				break
			}
			if c == 0 {
				dups = true // stable: the later field stays after
				break
			}
			fs[j-1], fs[j] = fs[j], fs[j-1]
		}
	}
	if !dups {
		return
	}
	n := 0
	for i := range fs {
		if i+1 < len(fs) && bytes.Equal(fs[i].Key, fs[i+1].Key) {
			continue
		}
		fs[n] = fs[i]
		n++
	}
	*fields = fs[:n]
}
