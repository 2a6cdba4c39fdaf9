package influxql

// The stream transformations keep state from one point to the next within a
// group. Kapacitor creates one state per group on a stream edge and a fresh
// one for every batch on a batch edge (call Reset between batches). Each
// point is fed with Next, which returns the value Kapacitor emits for it, if
// any; the output point has the input point's time (point times are forced
// on for these functions), the group's tags and the value as its only field.
// Zero values are ready to use except for [MovingAverage], which needs
// [NewMovingAverage].

// Difference implements difference(field) on float and int fields: the
// value minus the previous point's value, in the field's type (int
// differences wrap on overflow). Quirks kept from InfluxDB's
// DifferenceReducer: the first point of the group emits nothing, and a point
// with the same time as the point before it is ignored entirely (it emits
// nothing and does not become the previous point).
type Difference[T Number] struct {
	prev, curr       T
	currTime         int64
	hasPrev, hasCurr bool
}

// Next feeds one point and returns the difference to emit, if any.
func (d *Difference[T]) Next(t int64, v T) (T, bool) {
	if !(d.hasCurr && d.currTime == t) {
		d.prev, d.hasPrev = d.curr, d.hasCurr
		d.curr, d.currTime, d.hasCurr = v, t, true
	}
	if !d.hasPrev {
		var zero T
		return zero, false
	}
	// The previous point has been read: until a new point arrives, nothing
	// more is emitted.
	d.hasPrev = false
	return d.curr - d.prev, true
}

// Reset forgets all points seen.
func (d *Difference[T]) Reset() { *d = Difference[T]{} }

// Elapsed implements elapsed(field, unit) for a field of any type: the time
// between the point and the previous one, as an int count of unit,
// truncated toward zero ((t - prev) / unit in int64). The first point of the
// group emits nothing. Unlike difference, points with equal times are not
// skipped: they emit 0. Unit is the duration in nanoseconds and must not be
// 0.
type Elapsed struct {
	// Unit is the unit argument in nanoseconds.
	Unit     int64
	prevTime int64
	hasPrev  bool
}

// Next feeds the time of one point and returns the elapsed count to emit,
// if any.
func (e *Elapsed) Next(t int64) (int64, bool) {
	prev, had := e.prevTime, e.hasPrev
	e.prevTime, e.hasPrev = t, true
	if !had {
		return 0, false
	}
	return (t - prev) / e.Unit, true
}

// Reset forgets all points seen (the unit is kept).
func (e *Elapsed) Reset() { e.prevTime, e.hasPrev = 0, false }

// MovingAverage implements movingAverage(field, window) on float and int
// fields (float result): the mean of the last window values, emitted only
// once window points have been seen. As in InfluxDB's MovingAverageReducer
// the sum is kept running in the field's type: each new value first has the
// value leaving the window subtracted and is then added, so float results
// carry that running sum's rounding (e.g. 90.21399999999998) and int sums
// are exact; the mean is float64(sum) / float64(window).
type MovingAverage[T Number] struct {
	buf []T
	n   int
	pos int
	sum T
}

// NewMovingAverage returns the state of movingAverage over window points.
// window must be at least 1 (Kapacitor panics on 0).
func NewMovingAverage[T Number](window int) *MovingAverage[T] {
	if window < 1 {
		panic("influxql: movingAverage window must be at least 1")
	}
	return &MovingAverage[T]{buf: make([]T, 0, window), n: window}
}

// Next feeds one value and returns the moving average to emit, if any.
func (m *MovingAverage[T]) Next(v T) (float64, bool) {
	if len(m.buf) != m.n {
		m.buf = append(m.buf, v)
	} else {
		m.sum -= m.buf[m.pos]
		m.buf[m.pos] = v
	}
	m.sum += v
	m.pos++
	if m.pos >= m.n {
		m.pos = 0
	}
	if len(m.buf) != m.n {
		return 0, false
	}
	return float64(m.sum) / float64(len(m.buf)), true
}

// Reset forgets all values seen (the window size is kept).
func (m *MovingAverage[T]) Reset() {
	m.buf, m.pos = m.buf[:0], 0
	var zero T
	m.sum = zero
}

// CumulativeSum implements cumulativeSum(field) on float and int fields: the
// running sum of all values of the group so far, starting from 0, emitted for
// every point (int sums wrap on overflow).
type CumulativeSum[T Number] struct {
	sum T
}

// Next feeds one value and returns the running sum to emit.
func (c *CumulativeSum[T]) Next(v T) T {
	c.sum += v
	return c.sum
}

// Reset sets the running sum back to 0.
func (c *CumulativeSum[T]) Reset() {
	var zero T
	c.sum = zero
}
