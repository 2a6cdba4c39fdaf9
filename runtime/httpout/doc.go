// Package httpout is the runtime of TICKscript's |httpOut() node and the
// encoder of Kapacitor's series JSON (models.Row), which httpPost bodies and
// alert data use too.
//
// A Cache keeps the latest point or batch of each group, as Kapacitor's
// http_out.go does, and serves it as models.Result JSON:
//
//	{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[["2024-03-04T10:01:00Z",88.2]]}]}
//
// with one series per group in the order the groups first reached the node
// (a new point or batch replaces its group's series in place), and
// {"series":null} before anything arrived.
//
// An Encoder writes single rows: Encoder.AppendPointRow and
// Encoder.AppendBatchRow follow Kapacitor's edge/messages.go ToRow, and
// AppendPointResult and AppendBatchResult wrap a row in {"series":[...]}
// for an httpPost body. JSON is written exactly as encoding/json writes
// Kapacitor's values, numbers and string escapes included.
package httpout
