package alert

import (
	"math/rand/v2"
	"testing"
	"time"
)

// appendUTC writes what AppendFormat writes, over the years JSON allows.
func TestAppendUTC(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	lo := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	check := func(tm time.Time) {
		t.Helper()
		if got, want := string(appendUTC(nil, tm)), tm.AppendFormat(nil, time.RFC3339Nano); got != string(want) {
			t.Fatalf("%v: got %s, want %s", tm.UnixNano(), got, want)
		}
	}
	for _, tm := range []time.Time{
		time.Unix(lo, 0).UTC(), time.Unix(hi, 999999999).UTC(), time.Unix(0, 0).UTC(), time.Unix(-1, 0).UTC(),
		time.Unix(-86400, 1).UTC(), time.Date(2000, 2, 29, 12, 0, 0, 100, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 4, 10, 0, 30, 500, time.UTC), time.Date(1600, 2, 29, 23, 59, 59, 120000000, time.UTC),
	} {
		check(tm)
	}
	for range 200_000 {
		ns := int64(0)
		switch r.IntN(3) {
		case 1:
			ns = r.Int64N(1e9)
		case 2:
			ns = r.Int64N(1000) * 1e6
		}
		check(time.Unix(lo+r.Int64N(hi-lo+1), ns).UTC())
	}
	for d := lo / 86400; d <= hi/86400; d += 3 { // every third day
		check(time.Unix(d*86400+r.Int64N(86400), 0).UTC())
	}
}

func BenchmarkAppendTime(b *testing.B) {
	tm := time.Date(2024, 3, 4, 10, 0, 30, 500, time.UTC)
	var buf []byte
	for b.Loop() {
		buf, _ = appendTime(buf[:0], tm)
	}
}
