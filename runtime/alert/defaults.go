package alert

import (
	"slices"
	"sync"
	"unicode/utf8"
)

// Rendering the default templates by hand. Most alert nodes keep the
// default id, message and details, and text/template and html/template
// (with reflection and the json function) cost microseconds per event.
// template_test.go checks these against the parsed templates.

// detailsBuffers holds scratch buffers for defaultDetails, which must be
// safe for concurrent use as the rest of Templates.
var detailsBuffers = sync.Pool{New: func() any { return new([]byte) }}

// defaultDetails renders DefaultDetails, "{{ json . }}" in html/template:
// the JSON of the details data as encoding/json's Encoder writes it (with
// its newline), HTML-escaped as html/template escapes a value in text.
// As with the json function, an encoding error gives the empty string.
func defaultDetails(d *detailsInfo) string {
	bp := detailsBuffers.Get().(*[]byte)
	b, ok := appendDetailsOf((*bp)[:0], d, nil)
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

// appendDetailsOf appends the JSON of d, field for field as encoding/json
// encodes Kapacitor's detailsInfo (embedded structs flattened) and
// followed by a newline, HTML-escaped. With pt, the tags and fields are
// those of pt rather than d's maps. ok is false if a value cannot be
// encoded (a NaN field, a year beyond 9999).
func appendDetailsOf(dst []byte, d *detailsInfo, pt *pointData) (_ []byte, ok bool) {
	var err error
	dst = append(dst, `{&#34;Name&#34;:`...)
	dst = appendHTMLString(dst, d.Name)
	dst = append(dst, `,&#34;TaskName&#34;:`...)
	dst = appendHTMLString(dst, d.TaskName)
	dst = append(dst, `,&#34;Group&#34;:`...)
	dst = appendHTMLString(dst, d.Group)
	dst = append(dst, `,&#34;Tags&#34;:`...)
	if pt != nil {
		dst = appendHTMLPointTags(dst, pt.tags)
	} else {
		dst = appendHTMLStringMap(dst, d.Tags)
	}
	dst = append(dst, `,&#34;ServerInfo&#34;:{&#34;Hostname&#34;:`...)
	dst = appendHTMLString(dst, d.ServerInfo.Hostname)
	dst = append(dst, `,&#34;ClusterID&#34;:`...)
	dst = appendHTMLString(dst, d.ServerInfo.ClusterID)
	dst = append(dst, `,&#34;ServerID&#34;:`...)
	dst = appendHTMLString(dst, d.ServerInfo.ServerID)
	dst = append(dst, `},&#34;ID&#34;:`...)
	dst = appendHTMLString(dst, d.ID)
	dst = append(dst, `,&#34;Fields&#34;:`...)
	if pt != nil {
		dst, err = appendHTMLPointFields(dst, pt.fields)
	} else {
		dst, err = appendHTMLValueMap(dst, d.Fields)
	}
	if err != nil {
		return dst, false
	}
	dst = append(dst, `,&#34;Level&#34;:`...)
	dst = appendHTMLString(dst, d.Level)
	dst = append(dst, `,&#34;Time&#34;:`...)
	start := len(dst)
	if dst, err = appendTime(dst, d.Time); err != nil {
		return dst, false
	}
	dst = escapeHTMLTail(dst, start)
	dst = append(dst, `,&#34;Duration&#34;:`...)
	dst = appendInt(dst, int64(d.Duration))
	dst = append(dst, `,&#34;Message&#34;:`...)
	dst = appendHTMLString(dst, d.Message)
	return append(dst, "}\n"...), true
}

// appendHTMLString appends s as appendString does, HTML-escaped.
func appendHTMLString(dst []byte, s string) []byte {
	i := 0
	for i < len(s) && htmlJSONSafe[s[i]] {
		i++
	}
	if i == len(s) {
		dst = append(dst, "&#34;"...)
		dst = append(dst, s...)
		return append(dst, "&#34;"...)
	}
	return escapeHTMLTail(appendString(dst, s), len(dst))
}

// htmlJSONSafe marks the bytes that neither appendString nor HTML
// escaping change.
var htmlJSONSafe [256]bool

func init() {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		htmlJSONSafe[c] = isJSONSafe(byte(c)) && htmlEscapes[c] == ""
	}
}

// appendHTMLStringMap appends m as appendStringMap does, HTML-escaped.
func appendHTMLStringMap(dst []byte, m map[string]string) []byte {
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
		dst = appendHTMLString(dst, k)
		dst = append(dst, ':')
		dst = appendHTMLString(dst, m[k])
	}
	return append(dst, '}')
}

// appendHTMLValueMap appends m as encoding/json encodes a
// map[string]interface{} (keys sorted, nil as null), HTML-escaped.
func appendHTMLValueMap(dst []byte, m map[string]interface{}) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
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
		dst = appendHTMLString(dst, k)
		dst = append(dst, ':')
		var err error
		if s, ok := m[k].(string); ok {
			dst = appendHTMLString(dst, s)
			continue
		}
		start := len(dst)
		if dst, err = appendValue(dst, m[k]); err != nil {
			return dst, err
		}
		dst = escapeHTMLTail(dst, start)
	}
	return append(dst, '}'), nil
}
