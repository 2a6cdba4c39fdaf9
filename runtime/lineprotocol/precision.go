package lineprotocol

// Precision is the unit of the timestamps in a write, in nanoseconds per unit.
// The zero value means nanoseconds.
type Precision int64

const (
	Nanosecond  Precision = 1
	Microsecond Precision = 1e3
	Millisecond Precision = 1e6
	Second      Precision = 1e9
	Minute      Precision = 60e9
	Hour        Precision = 3600e9
)

// ParsePrecision maps the "precision" query parameter the way Kapacitor does:
// "u", "ms", "s", "m" and "h" are recognised, and anything else (including ""
// and "ns") means nanoseconds. Kapacitor never rejects a precision.
func ParsePrecision(s string) Precision {
	switch s {
	case "u":
		return Microsecond
	case "ms":
		return Millisecond
	case "s":
		return Second
	case "m":
		return Minute
	case "h":
		return Hour
	}
	return Nanosecond
}
