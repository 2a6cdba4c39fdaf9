package stdlib

import (
	"math"

	"github.com/zeebo/mwc"
)

// The stateful functions keep state between calls. Kapacitor creates a fresh
// instance for every expression and every group, so generated code needs one
// value per call site per group. The zero value of each type is ready to use
// and equals a freshly created Kapacitor instance.

// Sigma implements sigma(float) float: how many standard deviations x lies
// from the running mean of all values seen so far, x included.
//
// Kapacitor's formula: Welford's online update of the mean and of M2, then
// the sample variance M2/(n-1) (not the population variance), and the result
// |x - mean| / sqrt(variance) computed with the mean that already includes x.
// The first call, and every call while all values seen are equal, returns 0.
type Sigma struct {
	n, mean, m2 float64
}

// Update feeds x into the running statistics and returns its deviation.
func (s *Sigma) Update(x float64) float64 {
	s.n++
	delta := x - s.mean
	s.mean = s.mean + delta/s.n
	s.m2 = s.m2 + delta*(x-s.mean)
	if s.n < 2 {
		return 0
	}
	variance := s.m2 / (s.n - 1)
	if variance == 0 {
		return 0
	}
	return math.Abs(x-s.mean) / math.Sqrt(variance)
}

// Reset forgets every value seen.
func (s *Sigma) Reset() { *s = Sigma{} }

// Count implements count() int: 1 on the first evaluation, then 2, 3, ...
type Count struct {
	n int64
}

// Next counts one evaluation and returns the total so far.
func (c *Count) Next() int64 {
	c.n++
	return c.n
}

// Reset restarts the count.
func (c *Count) Reset() { c.n = 0 }

// Spread implements spread(float) float: the running maximum minus the
// running minimum of all values seen, x included.
//
// Kapacitor quirk reproduced: the extremes start at +Inf and -Inf and are
// updated with < and >, so NaN never becomes an extreme, and a NaN as the
// very first value returns -Inf.
type Spread struct {
	min, max float64
	started  bool
}

// Update feeds x in and returns max - min.
func (s *Spread) Update(x float64) float64 {
	if !s.started {
		s.min, s.max, s.started = math.Inf(1), math.Inf(-1), true
	}
	if x < s.min {
		s.min = x
	}
	if x > s.max {
		s.max = x
	}
	return s.max - s.min
}

// Reset forgets every value seen.
func (s *Spread) Reset() { *s = Spread{} }

// Rand implements rand() int and rand(int) int with the generator Kapacitor
// uses, github.com/zeebo/mwc (a multiply-with-carry PRNG).
//
// Seeding matches Kapacitor: each new generator is derived from a
// process-wide counter that starts at, and steps by, the process start time
// in nanoseconds. Kapacitor's numbers are therefore not reproducible from
// run to run, and neither are these; NewRandSeeded gives a fixed sequence
// for tests. Kapacitor does not reseed on Reset.
type Rand struct {
	g      mwc.T
	seeded bool
}

// NewRandSeeded returns a generator with the fixed seed (k1, k2), as
// mwc.New(k1, k2) builds it.
func NewRandSeeded(k1, k2 uint64) Rand {
	return Rand{g: *mwc.New(k1, k2), seeded: true}
}

// gen seeds the generator on first use, the way Kapacitor's NewRand does
// when the expression is created.
func (r *Rand) gen() *mwc.T {
	if !r.seeded {
		r.g, r.seeded = *mwc.Rand(), true
	}
	return &r.g
}

// Int implements rand(): the next 64 random bits with the top bit cleared, a
// non-negative int.
func (r *Rand) Int() int64 {
	return int64(r.gen().Uint64() & math.MaxInt64)
}

// Intn implements rand(n): a random int in [0, n) for n > 0.
//
// Kapacitor quirks reproduced: n is reinterpreted as uint64, so a negative n
// draws from [0, 2^64+n) and the top bit of the result is then cleared; and
// rand(0) returns 0.
func (r *Rand) Intn(n int64) int64 {
	return int64(r.gen().Uint64n(uint64(n)) & math.MaxInt64)
}

// Reset does nothing: Kapacitor keeps the generator's state on reset.
func (r *Rand) Reset() {}
