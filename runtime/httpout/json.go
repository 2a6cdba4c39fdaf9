package httpout

import (
	"strconv"

	"github.com/tickc/tickc/runtime/jsonfmt"
	"github.com/tickc/tickc/runtime/pipeline"
)

// The JSON primitives are jsonfmt's, which write exactly what encoding/json
// writes (HTML-safe escaping included).

func appendString(dst []byte, s string) []byte { return jsonfmt.AppendString(dst, s) }

func appendTime(dst []byte, t int64) []byte { return jsonfmt.AppendTime(dst, t) }

// appendValue appends a field value; a missing one is null.
func appendValue(dst []byte, v pipeline.Value) ([]byte, error) {
	switch v.Kind {
	case pipeline.Float:
		return jsonfmt.AppendFloat(dst, v.F)
	case pipeline.Int:
		return strconv.AppendInt(dst, v.I, 10), nil
	case pipeline.String:
		return jsonfmt.AppendString(dst, v.S), nil
	case pipeline.Bool:
		return strconv.AppendBool(dst, v.B), nil
	}
	return append(dst, "null"...), nil
}
