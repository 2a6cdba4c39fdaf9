package stdlib

import "math"

// The math functions take and return float; TICKscript does not convert an
// int argument, so abs(1) is rejected by the checker and must be written
// abs(1.0) or abs(float(x)). Each is a thin wrapper over the Go math package
// function of the same name, which is what Kapacitor calls.

// Abs implements abs(float) float.
func Abs(x float64) float64 { return math.Abs(x) }

// Acos implements acos(float) float.
func Acos(x float64) float64 { return math.Acos(x) }

// Acosh implements acosh(float) float.
func Acosh(x float64) float64 { return math.Acosh(x) }

// Asin implements asin(float) float.
func Asin(x float64) float64 { return math.Asin(x) }

// Asinh implements asinh(float) float.
func Asinh(x float64) float64 { return math.Asinh(x) }

// Atan implements atan(float) float.
func Atan(x float64) float64 { return math.Atan(x) }

// Atan2 implements atan2(y float, x float) float.
func Atan2(y, x float64) float64 { return math.Atan2(y, x) }

// Atanh implements atanh(float) float.
func Atanh(x float64) float64 { return math.Atanh(x) }

// Cbrt implements cbrt(float) float.
func Cbrt(x float64) float64 { return math.Cbrt(x) }

// Ceil implements ceil(float) float. The result stays a float.
func Ceil(x float64) float64 { return math.Ceil(x) }

// Cos implements cos(float) float.
func Cos(x float64) float64 { return math.Cos(x) }

// Cosh implements cosh(float) float.
func Cosh(x float64) float64 { return math.Cosh(x) }

// Erf implements erf(float) float.
func Erf(x float64) float64 { return math.Erf(x) }

// Erfc implements erfc(float) float.
func Erfc(x float64) float64 { return math.Erfc(x) }

// Exp implements exp(float) float.
func Exp(x float64) float64 { return math.Exp(x) }

// Exp2 implements exp2(float) float.
func Exp2(x float64) float64 { return math.Exp2(x) }

// Expm1 implements expm1(float) float.
func Expm1(x float64) float64 { return math.Expm1(x) }

// Floor implements floor(float) float. The result stays a float.
func Floor(x float64) float64 { return math.Floor(x) }

// Gamma implements gamma(float) float.
func Gamma(x float64) float64 { return math.Gamma(x) }

// Hypot implements hypot(float, float) float.
func Hypot(p, q float64) float64 { return math.Hypot(p, q) }

// J0 implements j0(float) float, the order-zero Bessel function of the first kind.
func J0(x float64) float64 { return math.J0(x) }

// J1 implements j1(float) float, the order-one Bessel function of the first kind.
func J1(x float64) float64 { return math.J1(x) }

// Jn implements jn(int, float) float, the order-n Bessel function of the
// first kind. The order is the only int argument among the math functions
// besides pow10's.
func Jn(n int64, x float64) float64 { return math.Jn(int(n), x) }

// Log implements log(float) float, the natural logarithm.
func Log(x float64) float64 { return math.Log(x) }

// Log10 implements log10(float) float.
func Log10(x float64) float64 { return math.Log10(x) }

// Log1p implements log1p(float) float.
func Log1p(x float64) float64 { return math.Log1p(x) }

// Log2 implements log2(float) float.
func Log2(x float64) float64 { return math.Log2(x) }

// Logb implements logb(float) float, the binary exponent of x.
func Logb(x float64) float64 { return math.Logb(x) }

// Max implements max(float, float) float with math.Max semantics: NaN if
// either argument is NaN, +Inf if either is +Inf.
func Max(x, y float64) float64 { return math.Max(x, y) }

// Min implements min(float, float) float with math.Min semantics.
func Min(x, y float64) float64 { return math.Min(x, y) }

// Mod implements mod(float, float) float, the floating-point remainder with
// the sign of x (math.Mod). This is the only float modulo in TICKscript: the
// % operator is rejected for floats.
func Mod(x, y float64) float64 { return math.Mod(x, y) }

// Pow implements pow(float, float) float.
func Pow(x, y float64) float64 { return math.Pow(x, y) }

// Pow10 implements pow10(int) float. Note the int argument: pow10(2.0) is
// rejected by Kapacitor's signature check.
func Pow10(n int64) float64 {
	// math.Pow10 takes an int; exponents outside int32 saturate the same way
	// on 64-bit platforms, so clamp to keep 32-bit builds identical.
	if n > math.MaxInt32 {
		n = math.MaxInt32
	} else if n < math.MinInt32 {
		n = math.MinInt32
	}
	return math.Pow10(int(n))
}

// Sin implements sin(float) float.
func Sin(x float64) float64 { return math.Sin(x) }

// Sinh implements sinh(float) float.
func Sinh(x float64) float64 { return math.Sinh(x) }

// Sqrt implements sqrt(float) float.
func Sqrt(x float64) float64 { return math.Sqrt(x) }

// Tan implements tan(float) float.
func Tan(x float64) float64 { return math.Tan(x) }

// Tanh implements tanh(float) float.
func Tanh(x float64) float64 { return math.Tanh(x) }

// Trunc implements trunc(float) float. The result stays a float.
func Trunc(x float64) float64 { return math.Trunc(x) }

// Y0 implements y0(float) float, the order-zero Bessel function of the second kind.
func Y0(x float64) float64 { return math.Y0(x) }

// Y1 implements y1(float) float, the order-one Bessel function of the second kind.
func Y1(x float64) float64 { return math.Y1(x) }

// Yn implements yn(int, float) float, the order-n Bessel function of the
// second kind.
func Yn(n int64, x float64) float64 { return math.Yn(int(n), x) }
