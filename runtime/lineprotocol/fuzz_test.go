package lineprotocol

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, that it agrees with
// InfluxDB's parser, and that error line numbers make sense.
//
//	go test -fuzz FuzzParse ./runtime/lineprotocol/
func FuzzParse(f *testing.F) {
	for _, c := range oracleCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, errs := ourParse(t, body, Nanosecond)
		lines := bytes.Count(body, []byte{'\n'}) + 1
		for i, e := range errs {
			if e.Line < 1 || e.Line > lines || i > 0 && e.Line <= errs[i-1].Line {
				t.Fatalf("body %q: bad line numbers in %v", body, errs)
			}
		}
		// Each line parsed on its own with ResetLine, as replays do, gives
		// what the line gives in the body.
		if bytes.IndexByte(body, '\n') < 0 {
			checkResetLine(t, body)
		}
		// CRLF is accepted on purpose, so InfluxDB is no oracle for '\r'.
		if bytes.IndexByte(body, '\r') < 0 {
			compareWithOracle(t, body)
		}
	})
}

// checkResetLine checks that ResetLine parses a line as Reset does.
func checkResetLine(t *testing.T, line []byte) {
	t.Helper()
	want, wantErrs := ourParse(t, line, Nanosecond)
	var p Parser
	p.ResetLine([]byte("x v=1 1"), Second, oracleNow) // a parser in use
	p.Next()
	p.ResetLine(line, Nanosecond, oracleNow)
	var got []point
	for p.Next() {
		got = append(got, toPoint(t, &p))
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(p.Errors(), wantErrs) && len(wantErrs)+len(p.Errors()) > 0 {
		t.Fatalf("line %q: ResetLine gives %v %v, Reset %v %v", line, got, p.Errors(), want, wantErrs)
	}
}

// ResetLine agrees with Reset on every line of the oracle cases.
func TestResetLine(t *testing.T) {
	for _, c := range oracleCases {
		for _, line := range bytes.Split([]byte(c), []byte{'\n'}) {
			checkResetLine(t, line)
		}
	}
}
