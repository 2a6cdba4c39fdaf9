package jsonfmt

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func marshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkString(t testing.TB, s string) {
	t.Helper()
	want := marshal(t, s)
	if got := string(AppendString(nil, s)); got != want {
		t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
	}
	if got := string(AppendString([]byte("x"), []byte(s))); got != "x"+want {
		t.Fatalf("AppendString(x, []byte(%q)) = %s, want x%s", s, got, want)
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " backslash \ slash /`, "<a href='x'>&amp;</a>",
		"\b\f\n\r\t\x00\x01\x1f\x7f", "é ü 日本 🎉", "\u2028\u2029 \u2027\u202a",
		"\xff", "a\xffb", "\xe2\x80", "\xe2\x80\xa8", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "日本\xe6\x97"} {
		checkString(t, s)
	}
	// Every byte, and every pair of bytes.
	for a := range 256 {
		checkString(t, string([]byte{byte(a)}))
		for b := range 256 {
			checkString(t, string([]byte{byte(a), byte(b)}))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		checkString(t, string(b))
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<\u2028\xff>")
	f.Fuzz(func(t *testing.T, s string) { checkString(t, s) })
}

func checkFloat(t testing.TB, f float64) {
	t.Helper()
	want := marshal(t, f)
	got, err := AppendFloat(nil, f)
	if err != nil || string(got) != want {
		t.Fatalf("AppendFloat(%v) = %s, %v; want %s", f, got, err, want)
	}
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 47.33, 1e20, 1e21, 999999999999999999999.0,
		1e-6, 0.000001, 9.999999999999999e-7, 1e-7, 1.5e-9, 1e-10, 1e-100, 1e100, 1e300, 123456789e-15,
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 2.2250738585072014e-308,
		float64(math.MaxInt64), float64(1 << 53), 1<<53 + 1, 100, 1e6, 123.456e10} {
		checkFloat(t, f)
		checkFloat(t, -f)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		checkFloat(t, f)
		checkFloat(t, r.NormFloat64()*math.Pow(10, float64(r.IntN(60)-30)))
	}
}

func FuzzAppendFloat(f *testing.F) {
	f.Add(1e-7)
	f.Fuzz(func(t *testing.T, x float64) {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			checkFloat(t, x)
		}
	})
}

func TestAppendFloatRejectsNaNAndInf(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		got, err := AppendFloat([]byte("x"), f)
		_, want := json.Marshal(f)
		if err == nil || err.Error() != want.Error() || string(got) != "x" {
			t.Errorf("AppendFloat(%v) = %q, %v; want error %v", f, got, err, want)
		}
	}
}

func TestAppendTimeMatchesEncodingJSON(t *testing.T) {
	times := []int64{0, 1, -1, 1709546400000000000, 1709546430500000000, 1709546430120000000,
		1709546430123456789, math.MaxInt64, math.MinInt64, 86399999999999}
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		times = append(times, int64(r.Uint64()), r.Int64N(1e9)*1e9, r.Int64N(1e18)/1000*1000)
	}
	for _, ns := range times {
		want := marshal(t, time.Unix(0, ns).UTC())
		if got := string(AppendTime(nil, ns)); got != want {
			t.Fatalf("AppendTime(%d) = %s, want %s", ns, got, want)
		}
	}
}

func TestScalarsDoNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 256)
	s := strings.Repeat("<é\u2028\xff\n", 4)
	b := []byte(s)
	allocs := testing.AllocsPerRun(100, func() {
		out := AppendString(buf, s)
		out = AppendString(out, b)
		out, _ = AppendFloat(out, 1.5e-9)
		_ = AppendTime(out, 1709546430123456789)
	})
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}
