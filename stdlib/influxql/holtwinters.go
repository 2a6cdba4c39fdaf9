package influxql

import (
	"math"
	"time"
)

// HoltWinters implements holtWinters(field, h, m, interval) and
// holtWintersWithFit(field, h, m, interval) on float and int fields (the
// caller converts int values with float64(v), as Kapacitor's reducer does).
// It reproduces InfluxDB's FloatHoltWintersReducer number for number: the
// damped Holt-Winters method whose parameters (alpha, beta, gamma, phi, the
// initial level and trend and the m seasonal factors) are fitted by
// minimising the sum of squared errors with Nelder-Mead, started from each of
// the 16 points of the grid {0.3, 0.7}^4 for (alpha, beta, gamma, phi), with
// epsilon 1e-4 and scale 1, keeping the best.
//
// Quirks kept (they all change the numbers):
//   - the fit feeds each step its own previous forecast, not the observed
//     value; only the first observation enters the recursion directly;
//   - evaluating the error clamps alpha..phi into [0, 1] and overwrites the
//     seasonal factors inside the optimiser's own simplex vertices;
//   - the starting level and trend are 0.5*y0 and 0.5*(y1-y0) without a
//     season (M < 2); with one, the mean of the first M values and
//     sum((y[M+i]-y[i]) / M²) over the first season, gaps contributing 0,
//     and the starting seasonal factors are y[i] / level.
//
// The zero value is ready to use; set the fields, then call Forecast once per
// window. A HoltWinters value reuses its memory between calls and is not safe
// for concurrent use.
type HoltWinters struct {
	// H is the number of points to forecast (h).
	H int
	// M is the seasonal period in points (m); below 2 there is no season.
	M int
	// Interval is the spacing of the series and of the forecast (interval).
	Interval time.Duration
	// WithFit selects holtWintersWithFit: the fitted values of the window
	// are returned before the forecast.
	WithFit bool

	y        []float64 // series on the interval grid, NaN for gaps
	params   []float64
	best     []float64
	cand     []float64
	forecast []float64
	nm       nelderMead
}

const (
	hwWeight         = 0.5
	hwDefaultEpsilon = 1.0e-4
	hwGuessLower     = 0.3
	hwGuessUpper     = 1.0
	hwGuessStep      = 0.4
)

// Forecast fits the window (times in Unix nanoseconds, in point order, with
// their values) and appends the output points to outTimes and outVals,
// returning the extended slices. Kapacitor always uses these point times
// (.usePointTimes() is forced on) and emits them as one batch.
//
// The window is first laid on the interval grid: each time is rounded to the
// nearest multiple of Interval (halves round down); a point falling in the
// same slot as an earlier one, or in an earlier slot, is dropped; empty slots
// become gaps, which the fit skips. The forecast points are at
// last point time + k*Interval, k = 1..H, and the fitted points of
// holtWintersWithFit at first point time + k*Interval, k = 0, 1, ... (the
// raw, unrounded times).
//
// Nothing is output when the window has fewer than 2 points, when H <= 0,
// when it has fewer than M points with a season, when its first and last
// times round to the same slot, or when Interval <= 0. InfluxDB would panic
// on a seasonal window with fewer than M slots (duplicates dropped);
// nothing is output for it here.
func (hw *HoltWinters) Forecast(times []int64, vals []float64, outTimes []int64, outVals []float64) ([]int64, []float64) {
	interval := int64(hw.Interval)
	seasonal := hw.M >= 2
	l := len(vals)
	if l < 2 || (seasonal && l < hw.M) || hw.H <= 0 || interval <= 0 {
		return outTimes, outVals
	}
	round := func(t int64) int64 {
		if t%interval > interval/2 {
			return (t/interval + 1) * interval
		}
		return (t / interval) * interval
	}
	start, stop := round(times[0]), round(times[l-1])
	if (stop-start)/interval <= 0 {
		return outTimes, outVals
	}

	// The series on the interval grid.
	y := append(hw.y[:0], vals[0])
	t := start
	for i := 1; i < l; i++ {
		rounded := round(times[i])
		if rounded <= t {
			continue
		}
		t += interval
		for rounded != t {
			y = append(y, math.NaN())
			t += interval
		}
		y = append(y, vals[i])
	}
	hw.y = y
	m := hw.M
	if seasonal && len(y) < m {
		return outTimes, outVals
	}

	// Initial level, trend and seasonal factors.
	l0 := 0.0
	if seasonal {
		for i := 0; i < m; i++ {
			if !math.IsNaN(y[i]) {
				l0 += float64((1 / float64(m)) * y[i])
			}
		}
	} else {
		l0 += float64(hwWeight * y[0])
	}
	b0 := 0.0
	if seasonal {
		for i := 0; i < m && m+i < len(y); i++ {
			if !math.IsNaN(y[i]) && !math.IsNaN(y[m+i]) {
				b0 += float64(1 / float64(m*m) * (y[m+i] - y[i]))
			}
		}
	} else if !math.IsNaN(y[1]) {
		b0 = hwWeight * (y[1] - y[0])
	}
	ns := 0
	if seasonal {
		ns = m
	}
	params := grow(hw.params, 6+ns)
	hw.params = params
	params[4], params[5] = l0, b0
	for i := 0; i < ns; i++ {
		if !math.IsNaN(y[i]) {
			params[6+i] = y[i] / l0
		} else {
			params[6+i] = 0
		}
	}

	// Fit from every starting point of the grid; keep the smallest error.
	best := grow(hw.best, len(params))
	cand := grow(hw.cand, len(params))
	hw.best, hw.cand = best, cand
	sse := func(p []float64) float64 { return hw.sse(p, seasonal) }
	minSSE := math.Inf(1)
	haveBest := false
	for alpha := hwGuessLower; alpha < hwGuessUpper; alpha += hwGuessStep {
		for beta := hwGuessLower; beta < hwGuessUpper; beta += hwGuessStep {
			for gamma := hwGuessLower; gamma < hwGuessUpper; gamma += hwGuessStep {
				for phi := hwGuessLower; phi < hwGuessUpper; phi += hwGuessStep {
					params[0], params[1], params[2], params[3] = alpha, beta, gamma, phi
					e := hw.nm.optimize(sse, params, hwDefaultEpsilon, 1, cand)
					if e < minSSE || !haveBest {
						minSSE, haveBest = e, true
						copy(best, cand)
					}
				}
			}
		}
	}

	forecasted := hw.run(hw.H, best, seasonal)
	if hw.WithFit {
		first := times[0]
		for i, v := range forecasted {
			if !math.IsNaN(v) {
				outTimes = append(outTimes, first+interval*int64(i))
				outVals = append(outVals, v)
			}
		}
	} else {
		last := times[l-1]
		for i, v := range forecasted[len(y):] {
			if !math.IsNaN(v) {
				outTimes = append(outTimes, last+interval*(int64(i)+1))
				outVals = append(outVals, v)
			}
		}
	}
	return outTimes, outVals
}

// grow returns s resized to n elements, reusing its memory when possible.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// sse is the objective: the sum of squared differences between the fit and
// the series, skipping gaps, +Inf if the fit produced NaN where there is an
// observation. It modifies params (see run).
func (hw *HoltWinters) sse(params []float64, seasonal bool) float64 {
	sse := 0.0
	forecasted := hw.run(0, params, seasonal)
	for i, f := range forecasted {
		if math.IsNaN(hw.y[i]) {
			continue
		}
		if math.IsNaN(f) {
			return math.Inf(1)
		}
		diff := f - hw.y[i]
		sse += float64(diff * diff)
	}
	return sse
}

// run computes the fit over the series and h further points with the given
// parameters, into hw.forecast. Like InfluxDB's forecast it first clamps
// params[0..3] into [0, 1] in place and uses params[6:] as the ring buffer
// of seasonal factors, overwriting them.
func (hw *HoltWinters) run(h int, params []float64, seasonal bool) []float64 {
	for i := 0; i < 4; i++ {
		if params[i] > 1 {
			params[i] = 1
		}
		if params[i] < 0 {
			params[i] = 0
		}
	}
	alpha, beta, gamma, phi := params[0], params[1], params[2], params[3]
	yT := hw.y[0]
	phiH := phi
	lT, bT := params[4], params[5]

	var seasonals []float64
	var m, so int
	if seasonal {
		seasonals = params[6:]
		m = len(seasonals)
		if m == 1 {
			seasonals[0] = 1
		}
		so = m - 1
	}

	l := len(hw.y)
	forecasted := grow(hw.forecast, l+h)
	hw.forecast = forecasted
	forecasted[0] = yT
	stm, stmh := 1.0, 1.0
	for t := 1; t < l+h; t++ {
		if seasonal {
			hm := t % m
			stm = seasonals[(t-m+so)%m]
			stmh = seasonals[(t-m+hm+so)%m]
		}
		// InfluxDB's next(): the recursion on the previous forecast yT.
		lTp, bTp := lT, bT
		damped := lTp + float64(phi*bTp)
		lT = float64(alpha*(yT/stm)) + float64((1-alpha)*damped)
		bT = float64(beta*(lT-lTp)) + float64((1-beta)*phi*bTp)
		sT := float64(gamma*(yT/damped)) + float64((1-gamma)*stm)
		yT = (lT + float64(phiH*bT)) * stmh

		phiH += math.Pow(phi, float64(t))
		if seasonal {
			seasonals[(t+so)%m] = sT
			so++
		}
		forecasted[t] = yT
	}
	return forecasted
}
