package lineprotocol

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestParseDigits(t *testing.T) {
	for _, s := range []string{"0", "7", "12345678", "123456789", "1709546400000000000",
		"9999999999999999999", "0000000000000000001", "99999999", "00000000"} {
		n, ok := parseDigits([]byte(s))
		want, err := strconv.ParseUint(s, 10, 64)
		if !ok || err != nil || n != want {
			t.Errorf("parseDigits(%q) = %d, %v; want %d", s, n, ok, want)
		}
	}
	for _, s := range []string{"1234567a", "a2345678", "12345678/", "123456789:", "1234 678", "-1", "12345678\x00", "1.5"} {
		if n, ok := parseDigits([]byte(s)); ok {
			t.Errorf("parseDigits(%q) = %d, true", s, n)
		}
	}
	// Every byte value in every position of an 8-digit block.
	for pos := range 8 {
		for c := range 256 {
			b := []byte("12345678")
			b[pos] = byte(c)
			_, ok := parseDigits(b)
			if ok != (c >= '0' && c <= '9') {
				t.Errorf("parseDigits(%q) ok = %v", b, ok)
			}
		}
	}
}

func TestParseIntMatchesStrconv(t *testing.T) {
	cases := []string{"", "-", "0", "-0", "5", "-5", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "18446744073709551615", "99999999999999999999",
		"000000000000000000000000005", "-000000000000000000000000005", "1-2", "--1", "+1", "1a"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		cases = append(cases, strconv.FormatInt(int64(r.Uint64()), 10), strconv.FormatInt(r.Int64N(1e6)-5e5, 10))
	}
	for _, s := range cases {
		got, ok := parseInt([]byte(s))
		want, err := strconv.ParseInt(s, 10, 64)
		if s == "+1" { // strconv takes a '+' that line protocol never lets through
			continue
		}
		if ok != (err == nil) || ok && got != want {
			t.Errorf("parseInt(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	}
}

func TestParseFloatMatchesStrconv(t *testing.T) {
	cases := []string{"0", "-0", "0.0", "87.5", "2.51", ".5", "5.", "-.5", "0.1", "0.3",
		"9007199254740993", "9007199254740992.5", "1234567890123456789", "12345678901234567890",
		"0.0000000000000000000001", "0.00000000000000000000001", "1e5", "1.5e-3", "00000000000000000000.5",
		"123.456.7", ".", "-", "", "1_0", "nan", "inf"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		f := r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
		cases = append(cases,
			strconv.FormatFloat(f, 'f', -1, 64),
			strconv.FormatFloat(f, 'f', r.IntN(10), 64),
			strconv.FormatInt(r.Int64N(1<<54), 10)+"."+strconv.Itoa(r.IntN(1000)))
	}
	for _, s := range cases {
		got, err := parseFloat([]byte(s))
		want, wantErr := strconv.ParseFloat(s, 64)
		if (err == nil) != (wantErr == nil) || err == nil && math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseFloat(%q) = %v, %v; strconv: %v, %v", s, got, err, want, wantErr)
		}
	}
}
