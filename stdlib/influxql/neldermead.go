package influxql

import "math"

// nelderMead minimises an objective with the downhill simplex method exactly
// as InfluxDB's query/neldermead package does (Michael F. Hutt's variant:
// reflection 1, contraction 0.5, expansion 2, at most 1000 iterations, stop
// when the standard deviation of the vertex values drops below epsilon).
//
// The objective receives the simplex's own vertex slices and may modify them
// (holt-winters does: it clamps the smoothing parameters and overwrites the
// seasonal ones); those modifications are kept, as in InfluxDB, so the
// search path and hence the result depend on them.
//
// Products that are added to something are wrapped in float64(...) so that
// no platform fuses them into FMA instructions: the results must be those of
// separately rounded operations, as on amd64.
type nelderMead struct {
	v              [][]float64 // simplex vertices
	f              []float64   // objective at each vertex
	vr, ve, vc, vm []float64   // reflection, expansion, contraction, centroid
}

const (
	nmMaxIterations = 1000
	nmAlpha         = 1.0 // reflection
	nmBeta          = 0.5 // contraction
	nmGamma         = 2.0 // expansion
)

// resize makes room for an n-dimensional problem, reusing memory.
func (o *nelderMead) resize(n int) {
	grow := func(s []float64) []float64 {
		if cap(s) < n {
			return make([]float64, n)
		}
		return s[:n]
	}
	if cap(o.v) < n+1 {
		o.v = make([][]float64, n+1)
	}
	o.v = o.v[:n+1]
	for i := range o.v {
		o.v[i] = grow(o.v[i])
	}
	if cap(o.f) < n+1 {
		o.f = make([]float64, n+1)
	}
	o.f = o.f[:n+1]
	o.vr, o.ve, o.vc, o.vm = grow(o.vr), grow(o.ve), grow(o.vc), grow(o.vm)
}

// optimize runs the search from start (not modified) with the given
// convergence epsilon and initial simplex scale. It writes the best vertex
// into best (len(start) long) and returns the objective evaluated once more
// at that vertex, after copying it, as InfluxDB does.
func (o *nelderMead) optimize(objective func([]float64) float64, start []float64, epsilon, scale float64, best []float64) float64 {
	n := len(start)
	o.resize(n)
	v, f, vr, ve, vc, vm := o.v, o.f, o.vr, o.ve, o.vc, o.vm
	fn := float64(n)

	// Initial simplex: start plus n vertices offset by pn along one axis and
	// qn along the others.
	pn := scale * (math.Sqrt(float64(n+1)) - 1 + fn) / (fn * math.Sqrt(2))
	qn := scale * (math.Sqrt(float64(n+1)) - 1) / (fn * math.Sqrt(2))
	copy(v[0], start)
	for i := 1; i <= n; i++ {
		for j := 0; j < n; j++ {
			if i-1 == j {
				v[i][j] = pn + start[j]
			} else {
				v[i][j] = qn + start[j]
			}
		}
	}
	for j := 0; j <= n; j++ {
		f[j] = objective(v[j])
	}

	for itr := 1; itr <= nmMaxIterations; itr++ {
		// Largest (vg) and smallest (vs) values, then the second largest (vh).
		vg, vs := 0, 0
		for i := 0; i <= n; i++ {
			if f[i] > f[vg] {
				vg = i
			}
			if f[i] < f[vs] {
				vs = i
			}
		}
		vh := vs
		for i := 0; i <= n; i++ {
			if f[i] > f[vh] && f[i] < f[vg] {
				vh = i
			}
		}

		// Centroid of all vertices but vg.
		for i := 0; i < n; i++ {
			cent := 0.0
			for m := 0; m <= n; m++ {
				if m != vg {
					cent += v[m][i]
				}
			}
			vm[i] = cent / fn
		}

		// Reflect vg through the centroid.
		for i := 0; i < n; i++ {
			vr[i] = vm[i] + float64(nmAlpha*(vm[i]-v[vg][i]))
		}
		fr := objective(vr)
		if fr < f[vh] && fr >= f[vs] {
			copy(v[vg], vr)
			f[vg] = fr
		}

		// Better than the best: try expanding further.
		if fr < f[vs] {
			for i := 0; i < n; i++ {
				ve[i] = vm[i] + float64(nmGamma*(vr[i]-vm[i]))
			}
			fe := objective(ve)
			if fe < fr {
				copy(v[vg], ve)
				f[vg] = fe
			} else {
				copy(v[vg], vr)
				f[vg] = fr
			}
		}

		// Not better than the second worst: contract.
		if fr >= f[vh] {
			if fr < f[vg] && fr >= f[vh] {
				// outside contraction
				for i := 0; i < n; i++ {
					vc[i] = vm[i] + float64(nmBeta*(vr[i]-vm[i]))
				}
			} else {
				// inside contraction
				for i := 0; i < n; i++ {
					vc[i] = vm[i] - float64(nmBeta*(vm[i]-v[vg][i]))
				}
			}
			fc := objective(vc)
			if fc < f[vg] {
				copy(v[vg], vc)
				f[vg] = fc
			} else {
				// Shrink every vertex halfway towards vs. Only vg and vh are
				// re-evaluated (InfluxDB's behaviour).
				for row := 0; row <= n; row++ {
					if row != vs {
						for i := 0; i < n; i++ {
							v[row][i] = v[vs][i] + (v[row][i]-v[vs][i])/2.0
						}
					}
				}
				f[vg] = objective(v[vg])
				f[vh] = objective(v[vh])
			}
		}

		// Converged when the values' standard deviation is below epsilon.
		fsum := 0.0
		for i := 0; i <= n; i++ {
			fsum += f[i]
		}
		favg := fsum / float64(n+1)
		s := 0.0
		for i := 0; i <= n; i++ {
			s += math.Pow(f[i]-favg, 2.0) / fn
		}
		s = math.Sqrt(s)
		if s < epsilon {
			break
		}
	}

	vs := 0
	for i := 0; i <= n; i++ {
		if f[i] < f[vs] {
			vs = i
		}
	}
	copy(best, v[vs])
	return objective(v[vs])
}
