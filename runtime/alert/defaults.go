package alert

import (
	"slices"
	"sync"
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
	defer detailsBuffers.Put(bp)
	b, ok := appendDetailsJSON((*bp)[:0], d)
	*bp = b
	if !ok {
		return ""
	}
	n := len(b)
	for _, c := range b {
		if r := htmlEscapes[c]; r != "" {
			n += len(r) - 1
		}
	}
	out := make([]byte, 0, n)
	start := 0
	for i, c := range b {
		if r := htmlEscapes[c]; r != "" {
			out = append(out, b[start:i]...)
			out = append(out, r...)
			start = i + 1
		}
	}
	out = append(out, b[start:]...)
	return string(out)
}

// htmlEscapes are html/template's escapes of text that is not HTML
// (htmlReplacementTable). Bytes of multi-byte UTF-8 sequences are all
// 0x80 or above, so escaping byte by byte is escaping rune by rune.
var htmlEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// appendDetailsJSON appends the JSON of d, field for field as encoding/json
// encodes Kapacitor's detailsInfo (embedded structs flattened), and a
// newline. ok is false if a value cannot be encoded (a NaN field, a year
// beyond 9999).
func appendDetailsJSON(dst []byte, d *detailsInfo) (_ []byte, ok bool) {
	var err error
	dst = append(dst, `{"Name":`...)
	dst = appendString(dst, d.Name)
	dst = append(dst, `,"TaskName":`...)
	dst = appendString(dst, d.TaskName)
	dst = append(dst, `,"Group":`...)
	dst = appendString(dst, d.Group)
	dst = append(dst, `,"Tags":`...)
	dst = appendStringMap(dst, d.Tags)
	dst = append(dst, `,"ServerInfo":{"Hostname":`...)
	dst = appendString(dst, d.ServerInfo.Hostname)
	dst = append(dst, `,"ClusterID":`...)
	dst = appendString(dst, d.ServerInfo.ClusterID)
	dst = append(dst, `,"ServerID":`...)
	dst = appendString(dst, d.ServerInfo.ServerID)
	dst = append(dst, `},"ID":`...)
	dst = appendString(dst, d.ID)
	dst = append(dst, `,"Fields":`...)
	if dst, err = appendValueMap(dst, d.Fields); err != nil {
		return dst, false
	}
	dst = append(dst, `,"Level":`...)
	dst = appendString(dst, d.Level)
	dst = append(dst, `,"Time":`...)
	if dst, err = appendTime(dst, d.Time); err != nil {
		return dst, false
	}
	dst = append(dst, `,"Duration":`...)
	dst = appendInt(dst, int64(d.Duration))
	dst = append(dst, `,"Message":`...)
	dst = appendString(dst, d.Message)
	return append(dst, "}\n"...), true
}

// appendValueMap appends m as encoding/json encodes a
// map[string]interface{}: keys sorted, nil as null.
func appendValueMap(dst []byte, m map[string]interface{}) ([]byte, error) {
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
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendValue(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}
