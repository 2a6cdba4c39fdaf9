package alert

import (
	"slices"
	"sync"
	"unicode/utf8"
)

// Rendering the default templates by hand. Most alert nodes keep the
// default id, message and details, and text/template and html/template
// (with reflection and the json function) cost microseconds per event.
// defaults_test.go checks these against the parsed templates.

// detailsBuffers holds scratch buffers for defaultDetails, which must be
// safe for concurrent use as the rest of Templates.
var detailsBuffers = sync.Pool{New: func() any { return new([]byte) }}

// defaultDetails renders DefaultDetails, "{{ json . }}" in html/template:
// the JSON of the details data as encoding/json's Encoder writes it (with
// its newline), HTML-escaped as html/template escapes a value in text.
// As with the json function, an encoding error gives the empty string.
// parts, if not nil, are the node's parts rendered in advance.
func defaultDetails(d *detailsInfo, parts *detailsParts) string {
	bp := detailsBuffers.Get().(*[]byte)
	b, ok := detailsEncoder{parts: parts}.appendDetails((*bp)[:0], d, nil)
	details := ""
	if ok {
		details = string(b)
	}
	*bp = b
	detailsBuffers.Put(bp)
	return details
}

// htmlEscapes are html/template's escapes of text that is not HTML
// (htmlReplacementTable). Bytes of multi-byte UTF-8 sequences are all
// 0x80 or above, so escaping byte by byte is escaping rune by rune. In
// the JSON of encoding/json, only double quotes, single quotes and '+'
// occur: it writes '&', '<', '>' and NUL as \u00XX escapes.
var htmlEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// escapeHTMLTail HTML-escapes dst[start:] in place (see htmlEscapes).
func escapeHTMLTail(dst []byte, start int) []byte {
	i := start
	for i < len(dst) && htmlEscapes[dst[i]] == "" {
		i++
	}
	if i == len(dst) {
		return dst
	}
	var arr [64]byte
	tail := append(arr[:0], dst[i:]...)
	dst = dst[:i]
	from := 0
	for j, c := range tail {
		if r := htmlEscapes[c]; r != "" {
			dst = append(dst, tail[from:j]...)
			dst = append(dst, r...)
			from = j + 1
		}
	}
	return append(dst, tail[from:]...)
}

// escapeJSONTail escapes dst[start:] in place as the content of a JSON
// string, when it holds HTML-escaped output of encoding/json: that has no
// control characters, no '"', '<' or '>', and only valid UTF-8 without
// U+2028 and U+2029, so appendStringContent would only change '&' (to
// \u0026) and '\\' (to \\\\).
func escapeJSONTail(dst []byte, start int) []byte {
	extra := 0
	for _, c := range dst[start:] {
		switch c {
		case '&':
			extra += len(`\u0026`) - 1
		case '\\':
			extra++
		}
	}
	if extra == 0 {
		return dst
	}
	n := len(dst)
	dst = slices.Grow(dst, extra)[:n+extra]
	j := n + extra
	for i := n - 1; i >= start; i-- {
		switch c := dst[i]; c {
		case '&':
			j -= len(`\u0026`)
			copy(dst[j:], `\u0026`)
		case '\\':
			j -= 2
			dst[j], dst[j+1] = '\\', '\\'
		default:
			j--
			dst[j] = c
		}
	}
	return dst
}

// A detailsEncoder writes the default details: the HTML-escaped JSON that
// Data.Details holds, or, inJSON, that text escaped once more as the
// content of a JSON string, as the alert JSON holds it, to save escaping
// the details again. parts, if not nil, are the node's parts of them,
// rendered in advance, and utc, if not nil, holds the text of a time.
type detailsEncoder struct {
	inJSON bool
	parts  *detailsParts
	utc    *utcText
}

// form is the index of the encoder's form in detailsParts and levelParts.
func (e detailsEncoder) form() int {
	if e.inJSON {
		return 1
	}
	return 0
}

// detailsParts are the parts of the default details that are the same for
// every event of a node, its task name and server info with the keys
// around them, rendered once by NewTemplates, plain ([0]) and inJSON
// ([1]): an event then copies two strings instead of escaping five.
type detailsParts struct {
	taskName string
	server   ServerInfo
	task     [2]string // ,"TaskName":"...","Group":
	serverID [2]string // ,"ServerInfo":{...},"ID":
}

func newDetailsParts(taskName string, server ServerInfo) *detailsParts {
	p := &detailsParts{taskName: taskName, server: server}
	for i, e := range [2]detailsEncoder{{}, {inJSON: true}} {
		b := e.lit(nil, litTaskName)
		b = e.str(b, taskName)
		p.task[i] = string(e.lit(b, litGroup))
		b = e.lit(nil, litServerInfo)
		b = e.str(b, server.Hostname)
		b = e.lit(b, litClusterID)
		b = e.str(b, server.ClusterID)
		b = e.lit(b, litServerID)
		b = e.str(b, server.ServerID)
		p.serverID[i] = string(e.lit(b, litID))
	}
	return p
}

// levelParts[l][form] is ,"Level":"L","Time": for the level l.
var levelParts = func() (parts [Critical + 1][2]string) {
	for l := OK; l <= Critical; l++ {
		for i, e := range [2]detailsEncoder{{}, {inJSON: true}} {
			b := e.lit(nil, litLevel)
			b = e.str(b, l.String())
			parts[l][i] = string(e.lit(b, litTime))
		}
	}
	return parts
}()

// The literal parts of the default details.
const (
	litName = iota
	litTaskName
	litGroup
	litTags
	litServerInfo
	litClusterID
	litServerID
	litID
	litFields
	litLevel
	litTime
	litDuration
	litMessage
	litEnd
	litQuote
	litNull
)

var detailsLits = [...]string{
	litName:       `{&#34;Name&#34;:`,
	litTaskName:   `,&#34;TaskName&#34;:`,
	litGroup:      `,&#34;Group&#34;:`,
	litTags:       `,&#34;Tags&#34;:`,
	litServerInfo: `,&#34;ServerInfo&#34;:{&#34;Hostname&#34;:`,
	litClusterID:  `,&#34;ClusterID&#34;:`,
	litServerID:   `,&#34;ServerID&#34;:`,
	litID:         `},&#34;ID&#34;:`,
	litFields:     `,&#34;Fields&#34;:`,
	litLevel:      `,&#34;Level&#34;:`,
	litTime:       `,&#34;Time&#34;:`,
	litDuration:   `,&#34;Duration&#34;:`,
	litMessage:    `,&#34;Message&#34;:`,
	litEnd:        "}\n",
	litQuote:      `&#34;`,
	litNull:       `null`,
}

// detailsLitsJSON are detailsLits as the content of JSON strings.
var detailsLitsJSON = func() (lits [len(detailsLits)]string) {
	for i, l := range detailsLits {
		lits[i] = string(appendStringContent(nil, l))
	}
	return lits
}()

func (e detailsEncoder) lit(dst []byte, i int) []byte {
	if e.inJSON {
		return append(dst, detailsLitsJSON[i]...)
	}
	return append(dst, detailsLits[i]...)
}

// piece escapes dst[start:], which holds output of encoding/json.
func (e detailsEncoder) piece(dst []byte, start int) []byte {
	dst = escapeHTMLTail(dst, start)
	if e.inJSON {
		dst = escapeJSONTail(dst, start)
	}
	return dst
}

// str appends s as appendString does, escaped.
func (e detailsEncoder) str(dst []byte, s string) []byte {
	i := 0
	for i < len(s) && htmlJSONSafe[s[i]] {
		i++
	}
	if i == len(s) {
		dst = e.lit(dst, litQuote)
		dst = append(dst, s...)
		return e.lit(dst, litQuote)
	}
	return e.piece(appendString(dst, s), len(dst))
}

// htmlJSONSafe marks the bytes that neither appendString nor HTML
// escaping change.
var htmlJSONSafe = func() (safe [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = isJSONSafe(byte(c)) && htmlEscapes[c] == ""
	}
	return safe
}()

// appendDetails appends the JSON of d, field for field as encoding/json
// encodes Kapacitor's detailsInfo (embedded structs flattened) and
// followed by a newline, escaped. With pt, the tags and fields are those
// of pt rather than d's maps. ok is false if a value cannot be encoded (a
// NaN field, a year beyond 9999).
func (e detailsEncoder) appendDetails(dst []byte, d *detailsInfo, pt *pointData) (_ []byte, ok bool) {
	var err error
	form, p := e.form(), e.parts
	if p != nil && (d.TaskName != p.taskName || d.ServerInfo != p.server) {
		p = nil // Templates.TaskName or Server changed since NewTemplates
	}
	dst = e.lit(dst, litName)
	dst = e.str(dst, d.Name)
	if p != nil {
		dst = append(dst, p.task[form]...)
	} else {
		dst = e.lit(dst, litTaskName)
		dst = e.str(dst, d.TaskName)
		dst = e.lit(dst, litGroup)
	}
	dst = e.str(dst, d.Group)
	dst = e.lit(dst, litTags)
	if pt != nil {
		dst = e.pointTags(dst, pt)
	} else {
		dst = e.stringMap(dst, d.Tags)
	}
	if p != nil {
		dst = append(dst, p.serverID[form]...)
	} else {
		dst = e.lit(dst, litServerInfo)
		dst = e.str(dst, d.ServerInfo.Hostname)
		dst = e.lit(dst, litClusterID)
		dst = e.str(dst, d.ServerInfo.ClusterID)
		dst = e.lit(dst, litServerID)
		dst = e.str(dst, d.ServerInfo.ServerID)
		dst = e.lit(dst, litID)
	}
	dst = e.str(dst, d.ID)
	dst = e.lit(dst, litFields)
	if pt != nil {
		dst, err = e.pointFields(dst, pt)
	} else {
		dst, err = e.valueMap(dst, d.Fields)
	}
	if err != nil {
		return dst, false
	}
	if l := levelOf(d.Level); l >= OK {
		dst = append(dst, levelParts[l][form]...)
	} else {
		dst = e.lit(dst, litLevel)
		dst = e.str(dst, d.Level)
		dst = e.lit(dst, litTime)
	}
	if isUTCInRange(d.Time) {
		// Only the quotes of a UTC time need escaping.
		dst = e.lit(dst, litQuote)
		dst = e.utc.appendUTC(dst, d.Time)
		dst = e.lit(dst, litQuote)
	} else {
		start := len(dst)
		if dst, err = appendTime(dst, d.Time); err != nil {
			return dst, false
		}
		dst = e.piece(dst, start)
	}
	dst = e.lit(dst, litDuration)
	dst = appendInt(dst, int64(d.Duration))
	dst = e.lit(dst, litMessage)
	dst = e.str(dst, d.Message)
	return e.lit(dst, litEnd), true
}

// levelOf returns the level whose name is s, or -1.
func levelOf(s string) Level {
	for l := OK; l <= Critical; l++ {
		if s == l.String() {
			return l
		}
	}
	return -1
}

// stringMap appends m as appendStringMap does, escaped.
func (e detailsEncoder) stringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return e.lit(dst, litNull)
	}
	var arr [8]string
	keys := mapKeys(m, arr[:0])
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, k)
		dst = append(dst, ':')
		dst = e.str(dst, m[k])
	}
	return append(dst, '}')
}

// valueMap appends m as encoding/json encodes a map[string]interface{}
// (keys sorted, nil as null), escaped.
func (e detailsEncoder) valueMap(dst []byte, m map[string]interface{}) ([]byte, error) {
	if m == nil {
		return e.lit(dst, litNull), nil
	}
	var arr [8]string
	keys := mapKeys(m, arr[:0])
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, k)
		dst = append(dst, ':')
		if s, ok := m[k].(string); ok {
			dst = e.str(dst, s)
			continue
		}
		start := len(dst)
		var err error
		if dst, err = appendValue(dst, m[k]); err != nil {
			return dst, err
		}
		dst = e.piece(dst, start)
	}
	return append(dst, '}'), nil
}
