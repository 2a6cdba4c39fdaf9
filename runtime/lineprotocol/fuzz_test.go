package lineprotocol

import (
	"bytes"
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
		// CRLF is accepted on purpose, so InfluxDB is no oracle for '\r'.
		if bytes.IndexByte(body, '\r') < 0 {
			compareWithOracle(t, body)
		}
	})
}
