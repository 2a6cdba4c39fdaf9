package lineprotocol

import (
	"fmt"
	"math"
)

// The scanners below follow InfluxDB 1.x's models/points.go rule for rule,
// because Kapacitor accepts exactly what it accepts. Two of its rules are
// easy to miss:
//
//   - In the measurement and tags, a byte is escaped when the byte before it
//     is a backslash, even if that backslash was itself escaped.
//   - The fields are validated by one scanner (scanFields) and then split
//     into keys and values by another (walkFields) with different escape
//     rules. Both are reproduced, so odd input splits as it does there.

// Bytes that a backslash escapes in each part of a line.
const (
	nameEscapes     = `, "=`
	tagEscapes      = `, =`
	fieldKeyEscapes = `, "=`
	stringEscapes   = `"\`
)

// The range of timestamps InfluxDB accepts; the two lowest int64 values are
// reserved and the highest is exclusive.
const (
	minTime = math.MinInt64 + 2
	maxTime = math.MaxInt64 - 1
)

// parsePoint parses one line into the current point. It returns "" or what
// is wrong with the line.
func (p *Parser) parsePoint(line []byte) string {
	// Unescaped text is never longer than the text it comes from, so with
	// this capacity the slices handed out below are never moved by append.
	if cap(p.scratch) < len(line) {
		p.scratch = make([]byte, 0, 2*len(line))
	}
	p.scratch = p.scratch[:0]
	p.tags = p.tags[:0]
	p.fields = p.fields[:0]

	keyEnd, msg := p.scanKey(line)
	if msg != "" {
		return msg
	}
	if keyEnd > MaxKeyLength {
		return fmt.Sprintf("max key length exceeded: %d > %d", keyEnd, MaxKeyLength)
	}

	end, msg := p.scanFields(line, skipWhitespace(line, keyEnd), keyEnd)
	if msg != "" {
		return msg
	}
	return p.scanTime(line, end)
}

// scanKey reads the measurement and the tags, and returns the index of the
// space that ends them.
func (p *Parser) scanKey(line []byte) (int, string) {
	if len(line) == 0 || line[0] == ',' {
		return 0, "missing measurement"
	}
	i, esc := scanUnescaped(line, 1, &nameStops)
	if i == len(line) {
		return i, "missing fields"
	}
	p.name = p.unescapeIf(esc || line[0] == '\\', line[:i], nameEscapes)

	tags := p.tags[:0]
	for line[i] == ',' {
		keyStart := i + 1
		if keyStart == len(line) || tagStops[line[keyStart]] && line[keyStart] != '\\' {
			return keyStart, "missing tag key"
		}
		i, esc = scanUnescaped(line, keyStart+1, &tagStops)
		if i == len(line) || line[i] != '=' {
			return i, "missing tag value"
		}
		key := p.unescapeIf(esc || line[keyStart] == '\\', line[keyStart:i], tagEscapes)

		valueStart := i + 1
		if valueStart == len(line) || line[valueStart] == ',' || line[valueStart] == ' ' {
			return valueStart, "missing tag value"
		}
		i, esc = scanUnescaped(line, valueStart+1, &tagStops)
		if i == len(line) {
			return i, "missing fields"
		}
		if line[i] == '=' {
			return i, "invalid tag format"
		}
		value := p.unescapeIf(esc || line[valueStart] == '\\', line[valueStart:i], tagEscapes)
		// Filled in place: copying a Tag built on the stack stalls on store
		// forwarding.
		tags = append(tags, Tag{})
		t := &tags[len(tags)-1]
		t.Key, t.Value = key, value
	}
	p.tags = tags

	// Tags usually arrive sorted, which insertion sort checks in one pass.
	for k := 1; k < len(tags); k++ {
		for j := k; j > 0; j-- {
			c := compare(tags[j-1].Key, tags[j].Key)
			if c < 0 {
				break
			}
			if c == 0 {
				return i, fmt.Sprintf("duplicate tag %q", tags[j].Key)
			}
			tags[j-1], tags[j] = tags[j], tags[j-1]
		}
	}
	return i, ""
}

// scanTime reads the optional timestamp after the fields, which end at i.
func (p *Parser) scanTime(line []byte, i int) string {
	start := skipWhitespace(line, i)
	// Usually the timestamp is all that is left: plain digits.
	if rest := line[start:]; len(rest) > 0 && len(rest) <= 19 {
		if n, ok := parseDigits(rest); ok && n <= uint64(p.maxTS) {
			p.time = int64(n) * int64(p.precision)
			return ""
		}
	}

	i = start
	if i < len(line) && line[i] == '-' {
		i++
	}
	var n uint64
	for ; i < len(line) && line[i] != ' ' && line[i] != '\n'; i++ {
		d := line[i] - '0'
		if d > 9 {
			return fmt.Sprintf("invalid timestamp %q", token(line, start))
		}
		n = n*10 + uint64(d)
	}
	if i == start {
		p.time = p.now
		return ""
	}
	text := line[start:i]
	ts, ok := toInt64(text, n)
	if !ok {
		return fmt.Sprintf("invalid timestamp %q", text)
	}
	if ts < p.minTS || ts > p.maxTS {
		return fmt.Sprintf("timestamp %s out of range", text)
	}
	p.time = ts * int64(p.precision)
	for ; i < len(line); i++ {
		if line[i] != ' ' {
			return fmt.Sprintf("unexpected text after timestamp: %q", line[i:])
		}
	}
	return ""
}

// Bytes that end a measurement, a tag key or a tag value unless escaped, and
// the backslash that escapes them.
var nameStops, tagStops [256]bool

func init() {
	for _, c := range `, \\` {
		nameStops[c] = true
	}
	for _, c := range `, =\\` {
		tagStops[c] = true
	}
}

// scanUnescaped returns the index of the first byte at or after i (i > 0)
// that is a stop byte not preceded by a backslash, or len(line), and whether
// a backslash was seen on the way.
func scanUnescaped(line []byte, i int, stops *[256]bool) (int, bool) {
	esc := false
	for ; i < len(line); i++ {
		c := line[i]
		if !stops[c] {
			continue
		}
		if c == '\\' {
			esc = true
		} else if line[i-1] != '\\' {
			break
		}
	}
	return i, esc
}

// compare is bytes.Compare for short keys, without a call.
func compare(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return len(a) - len(b)
}

// unescapeIf returns s without the backslashes that escape a byte of set,
// if esc says s has a backslash at all.
func (p *Parser) unescapeIf(esc bool, s []byte, set string) []byte {
	if !esc {
		return s
	}
	return p.unescape(s, set)
}

// unescape returns s without the backslashes that escape a byte of set. The
// result lives in the point's scratch buffer.
func (p *Parser) unescape(s []byte, set string) []byte {
	start := len(p.scratch)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && indexByte(set, s[i+1]) {
			i++
			c = s[i]
		}
		p.scratch = append(p.scratch, c)
	}
	return p.scratch[start:len(p.scratch):len(p.scratch)]
}

func indexByte(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
