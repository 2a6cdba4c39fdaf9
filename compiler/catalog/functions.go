package catalog

import (
	"strings"

	"github.com/tickc/tickc/compiler/types"
)

// The lambda functions, as Kapacitor v1.8.3 registers them in
// tick/stateful/functions.go: 79 stateless and 4 stateful. Each FuncSig is
// one entry of Kapacitor's signature table, so a call type-checks exactly
// when Kapacitor's Signature() lookup finds its argument types. There is no
// numeric coercion: abs(1) and pow10(2.0) are rejected.
//
// Every funcOverload also names its Go implementation in package stdlib (see
// LookupFuncImpl), so the code generator never has to guess.

// FuncImpl is the Go implementation of one function funcOverload in package
// github.com/tickc/tickc/stdlib.
type FuncImpl struct {
	// Name is the stdlib identifier: a function such as "BoolFromInt" or
	// "If" (generic over the branch type), or for stateful functions a
	// "Type.Method" pair such as "Sigma.Update", called on a per-group value
	// of that type.
	Name string
	// Err is true when the Go function returns (value, error); an error
	// drops the point being evaluated, as Kapacitor does.
	Err bool
}

type funcImplKey struct {
	name   string
	params string
}

var funcImpls = map[funcImplKey]FuncImpl{}

func funcImplKeyOf(name string, params []types.Type) funcImplKey {
	var b strings.Builder
	for i, t := range params {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.String())
	}
	return funcImplKey{name, b.String()}
}

// LookupFuncImpl returns the stdlib implementation of the overload of
// function name that takes exactly params.
func LookupFuncImpl(name string, params []types.Type) (FuncImpl, bool) {
	impl, ok := funcImpls[funcImplKeyOf(name, params)]
	return impl, ok
}

// funcOverload is a FuncSig together with its implementation, used while
// building the table.
type funcOverload struct {
	sig  FuncSig
	impl FuncImpl
}

// fnSig declares an overload implemented by a stdlib function that cannot fail.
func fnSig(impl string, result types.Type, params ...types.Type) funcOverload {
	return funcOverload{FuncSig{Params: params, Result: result}, FuncImpl{Name: impl}}
}

// fnSigErr declares an overload whose stdlib function returns an error too.
func fnSigErr(impl string, result types.Type, params ...types.Type) funcOverload {
	return funcOverload{FuncSig{Params: params, Result: result}, FuncImpl{Name: impl, Err: true}}
}

func defFunc(name, doc string, stateful bool, ovs ...funcOverload) {
	f := &Function{Name: name, Doc: doc, Stateful: stateful}
	for _, o := range ovs {
		f.Sigs = append(f.Sigs, o.sig)
		funcImpls[funcImplKeyOf(name, o.sig.Params)] = o.impl
	}
	registerFunc(f)
}

// funcGoName turns a TICKscript function name into its stdlib Go name: abs → Abs,
// strContains → StrContains, log10 → Log10.
func funcGoName(name string) string {
	return strings.ToUpper(name[:1]) + name[1:]
}

func init() {
	const (
		B   = types.Bool
		I   = types.Int
		F   = types.Float
		S   = types.String
		D   = types.Duration
		T   = types.Time
		R   = types.Regex
		Mis = types.Missing
	)

	// Conversion (5).
	defFunc("bool", "bool(x) converts to bool. A string goes through strconv.ParseBool; an int or float must be exactly 0 or 1, anything else is a run-time error.", false,
		fnSig("BoolFromBool", B, B),
		fnSigErr("BoolFromString", B, S),
		fnSigErr("BoolFromInt", B, I),
		fnSigErr("BoolFromFloat", B, F),
	)
	defFunc("int", "int(x) converts to int. A float is truncated toward zero; a string is parsed in base 10 (a parse failure is a run-time error). int(duration) is rejected: Kapacitor's signature table omits it.", false,
		fnSig("IntFromBool", I, B),
		fnSigErr("IntFromString", I, S),
		fnSig("IntFromInt", I, I),
		fnSig("IntFromFloat", I, F),
	)
	defFunc("float", "float(x) converts to float. A string is parsed with strconv.ParseFloat ('1e3' is accepted); a parse failure is a run-time error.", false,
		fnSig("FloatFromBool", F, B),
		fnSigErr("FloatFromString", F, S),
		fnSig("FloatFromInt", F, I),
		fnSig("FloatFromFloat", F, F),
	)
	defFunc("string", "string(x) converts to string. Floats print in the shortest 'f' form (2.0 → '2'), durations in InfluxQL form (90s → '90s', 1h30m → '90m').", false,
		fnSig("StringFromBool", S, B),
		fnSig("StringFromString", S, S),
		fnSig("StringFromInt", S, I),
		fnSig("StringFromFloat", S, F),
		fnSig("StringFromDuration", S, D),
	)
	defFunc("duration", "duration(x, unit) converts an int or float count of unit to a duration, or parses a string in InfluxQL duration syntax. A string still needs the (ignored) unit argument: duration('5m') is rejected, duration('5m', 1s) works.", false,
		fnSig("DurationFromDuration", D, D),
		fnSig("DurationFromInt", D, I, D),
		fnSig("DurationFromFloat", D, F, D),
		fnSigErr("DurationFromString", D, S, D),
	)

	// Math (42): float only, no int to float coercion.
	for _, name := range []string{
		"abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos", "cosh",
		"erf", "erfc", "exp", "exp2", "expm1", "floor", "gamma", "j0", "j1", "log", "log10",
		"log1p", "log2", "logb", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "y0", "y1",
	} {
		defFunc(name, name+"(float) float is Go's math."+funcGoName(name)+". An int argument is rejected; use float().", false,
			fnSig(funcGoName(name), F, F))
	}
	for _, name := range []string{"atan2", "hypot", "max", "min", "mod", "pow"} {
		defFunc(name, name+"(float, float) float is Go's math."+funcGoName(name)+". Int arguments are rejected; use float().", false,
			fnSig(funcGoName(name), F, F, F))
	}
	defFunc("pow10", "pow10(int) float is 10 to the power n. Its argument is an int: pow10(2.0) is rejected.", false,
		fnSig("Pow10", F, I))
	defFunc("jn", "jn(int n, float x) float is the order-n Bessel function of the first kind.", false,
		fnSig("Jn", F, I, F))
	defFunc("yn", "yn(int n, float x) float is the order-n Bessel function of the second kind.", false,
		fnSig("Yn", F, I, F))

	// Strings (20): Go strings package semantics, byte indexes.
	for _, name := range []string{"strContains", "strContainsAny", "strHasPrefix", "strHasSuffix"} {
		defFunc(name, name+"(string, string) bool is Go's strings."+strings.TrimPrefix(name, "str")+".", false,
			fnSig(funcGoName(name), B, S, S))
	}
	for _, name := range []string{"strCount", "strIndex", "strIndexAny", "strLastIndex", "strLastIndexAny"} {
		defFunc(name, name+"(string, string) int is Go's strings."+strings.TrimPrefix(name, "str")+": byte offsets, -1 when not found.", false,
			fnSig(funcGoName(name), I, S, S))
	}
	defFunc("strLength", "strLength(string) int is the length in bytes, not runes.", false,
		fnSig("StrLength", I, S))
	defFunc("strReplace", "strReplace(s, old, new string, n int) string replaces the first n occurrences of old; n < 0 replaces all.", false,
		fnSig("StrReplace", S, S, S, S, I))
	defFunc("strSubstring", "strSubstring(s string, start int, stop int) string is s[start:stop] in bytes. Negative indexes and stop >= strLength(s) are run-time errors, so the last byte can never be included.", false,
		fnSigErr("StrSubstring", S, S, I, I))
	for _, name := range []string{"strToLower", "strToUpper", "strTrimSpace"} {
		defFunc(name, name+"(string) string is Go's strings."+strings.TrimPrefix(name, "str")+".", false,
			fnSig(funcGoName(name), S, S))
	}
	for _, name := range []string{"strTrim", "strTrimLeft", "strTrimRight"} {
		defFunc(name, name+"(s string, cutset string) string is Go's strings."+strings.TrimPrefix(name, "str")+": cutset is a set of runes, not a prefix.", false,
			fnSig(funcGoName(name), S, S, S))
	}
	for _, name := range []string{"strTrimPrefix", "strTrimSuffix"} {
		defFunc(name, name+"(string, string) string is Go's strings."+strings.TrimPrefix(name, "str")+".", false,
			fnSig(funcGoName(name), S, S, S))
	}

	// Other stateless functions (12).
	defFunc("regexReplace", "regexReplace(regex, src string, repl string) string replaces every match; $1 and ${name} in repl expand to submatches.", false,
		fnSig("RegexReplace", S, R, S, S))
	defFunc("isPresent", "isPresent(x) bool is false only when the field or tag reference x is missing. It is the one function that accepts a missing value.", false,
		fnSig("IsPresent", B, Mis),
		fnSig("IsPresent", B, B),
		fnSig("IsPresent", B, S),
		fnSig("IsPresent", B, I),
		fnSig("IsPresent", B, F),
	)
	defFunc("unixNano", "unixNano(time) int is nanoseconds since the Unix epoch.", false,
		fnSig("UnixNano", I, T))
	defFunc("minute", "minute(time) int is the minute of the hour, 0-59, in the time's zone (the \"time\" reference is server-local).", false,
		fnSig("Minute", I, T))
	defFunc("hour", "hour(time) int is the hour of the day, 0-23, in the time's zone (the \"time\" reference is server-local).", false,
		fnSig("Hour", I, T))
	defFunc("weekday", "weekday(time) int is the day of the week, 0-6 with 0 for Sunday, in the time's zone.", false,
		fnSig("Weekday", I, T))
	defFunc("day", "day(time) int is the day of the month, 1-31, in the time's zone.", false,
		fnSig("Day", I, T))
	defFunc("month", "month(time) int is the month, 1-12, in the time's zone.", false,
		fnSig("Month", I, T))
	defFunc("year", "year(time) int is the year in the time's zone.", false,
		fnSig("Year", I, T))
	defFunc("now", "now() time is the wall clock, not the time of the data, even during a replay.", false,
		fnSig("Now", T))
	defFunc("humanBytes", "humanBytes(x) string formats a byte count in SI units as go-humanize does: 1000 → '1.0 kB', 82854982 → '83 MB'.", false,
		fnSig("HumanBytesFloat", S, F),
		fnSig("HumanBytesInt", S, I),
	)
	var ifSigs []funcOverload
	for _, t := range []types.Type{F, I, S, B, R, T, D} {
		ifSigs = append(ifSigs, fnSig("If", t, B, t, t))
	}
	defFunc("if", "if(condition bool, a, b) returns a when condition is true, else b. a and b must have the same type; both are evaluated before the call.", false,
		ifSigs...)

	// Stateful functions (4): one instance per expression and group.
	defFunc("sigma", "sigma(float) float is how many standard deviations the value lies from the running mean (Welford, sample variance); 0 until two distinct values have been seen.", true,
		fnSig("Sigma.Update", F, F))
	defFunc("count", "count() int counts its own evaluations: 1, 2, 3, ...", true,
		fnSig("Count.Next", I))
	defFunc("spread", "spread(float) float is the running maximum minus the running minimum.", true,
		fnSig("Spread.Update", F, F))
	defFunc("rand", "rand() int is a random non-negative int; rand(n) is a random int in [0, n).", true,
		fnSig("Rand.Int", I),
		fnSig("Rand.Intn", I, I),
	)
}
