package jsonfmt

import "strconv"

// Alert is Kapacitor's alert.Data, the event the log, post, tcp and exec
// handlers write.
type Alert struct {
	ID      string
	Message string
	Details string
	Time    int64 // nanoseconds since the Unix epoch, written in UTC
	// Duration is in nanoseconds, written as a number.
	Duration int64
	// Level and PreviousLevel are "OK", "INFO", "WARNING" or "CRITICAL".
	Level string
	// Data is the models.Result of the event.
	Data          []Row
	PreviousLevel string
	Recoverable   bool
}

// AppendAlert appends a as encoding/json writes an alert.Data, members in
// its order:
//
//	{"id":…,"message":…,"details":…,"time":…,"duration":…,"level":…,"data":{"series":…},"previousLevel":…,"recoverable":…}
//
// Handlers that use a json.Encoder, such as the log handler, follow it with
// a newline. On error (a NaN or infinite float) dst is returned as it was.
func AppendAlert(dst []byte, a *Alert) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"id":`...)
	dst = AppendString(dst, a.ID)
	dst = append(dst, `,"message":`...)
	dst = AppendString(dst, a.Message)
	dst = append(dst, `,"details":`...)
	dst = AppendString(dst, a.Details)
	dst = append(dst, `,"time":`...)
	dst = AppendTime(dst, a.Time)
	dst = append(dst, `,"duration":`...)
	dst = strconv.AppendInt(dst, a.Duration, 10)
	dst = append(dst, `,"level":`...)
	dst = AppendString(dst, a.Level)
	dst = append(dst, `,"data":`...)
	dst, err := AppendResult(dst, a.Data)
	if err != nil {
		return dst[:start], err
	}
	dst = append(dst, `,"previousLevel":`...)
	dst = AppendString(dst, a.PreviousLevel)
	dst = append(dst, `,"recoverable":`...)
	dst = strconv.AppendBool(dst, a.Recoverable)
	return append(dst, '}'), nil
}
