package lineprotocol

import (
	"encoding/binary"
	"math"
	"strconv"
	"unsafe"
)

// parseInt parses a decimal int64 with an optional '-' sign, like
// strconv.ParseInt.
func parseInt(b []byte) (int64, bool) {
	digits := b
	if len(b) > 0 && b[0] == '-' {
		digits = b[1:]
	}
	var n uint64
	for _, c := range digits {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return toInt64(b, n)
}

// toInt64 returns the decimal integer b (digits with an optional '-' sign)
// given n, the value of its digits, which has wrapped if there are more than
// 19. It reports whether b fits an int64.
func toInt64(b []byte, n uint64) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	digits := len(b)
	if neg {
		digits--
	}
	switch {
	case digits == 0:
		return 0, false
	case digits > 19:
		// Leading zeros can still make it fit.
		v, err := strconv.ParseInt(unsafeString(b), 10, 64)
		return v, err == nil
	case neg:
		return -int64(n), n <= 1<<63
	}
	return int64(n), n <= math.MaxInt64
}

// parseDigits returns the value of up to 19 ASCII digits, and false if b
// holds anything else. Eight digits at a time are converted in a register
// (the "SWAR" technique), which is several times faster than a loop.
func parseDigits(b []byte) (uint64, bool) {
	var n uint64
	for len(b) >= 8 {
		v := binary.LittleEndian.Uint64(b)
		// Every byte must be 0x30-0x3F, and stay below 0x40 when 6 is added.
		if v&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 || (v+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 {
			return 0, false
		}
		// Combine neighbouring digits, then pairs, then quads. The first
		// digit is in the lowest byte.
		v = (v & 0x0F0F0F0F0F0F0F0F) * 2561 >> 8
		v = (v & 0x00FF00FF00FF00FF) * 6553601 >> 16
		v = (v & 0x0000FFFF0000FFFF) * 42949672960001 >> 32
		n = n*1e8 + v
		b = b[8:]
	}
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return n, true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat parses a float like strconv.ParseFloat. A plain decimal whose
// digits fit in 53 bits and that has at most 22 decimals is exactly one
// correctly rounded division of two exact values (Clinger's fast path); that
// covers nearly all metrics, and strconv handles the rest.
func parseFloat(b []byte) (float64, error) {
	digits := b
	if len(b) > 0 && b[0] == '-' {
		digits = b[1:]
	}
	var m uint64
	n, dot := 0, -1
	for i, c := range digits {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			n++
		case c == '.' && dot < 0:
			dot = i
		default:
			n = 20 // not a plain decimal
		}
		if n > 19 {
			return strconv.ParseFloat(unsafeString(b), 64)
		}
	}
	decimals := 0
	if dot >= 0 {
		decimals = len(digits) - dot - 1
	}
	if n == 0 || m > 1<<53 || decimals >= len(pow10) {
		return strconv.ParseFloat(unsafeString(b), 64)
	}
	f := float64(m) / pow10[decimals]
	if len(digits) < len(b) {
		f = -f
	}
	return f, nil
}

// unsafeString views b as a string for strconv, which does not retain it.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
