package pipeline

import (
	"errors"
	"fmt"
	"strings"
)

// This file holds the lambda operations on values whose type is decided by
// the data: a field the checker could not type. Typed operands compile to
// plain Go operators instead. The rules are Kapacitor's (tick/stateful):
// comparisons mix int and float, arithmetic does not.

// Op is a binary lambda operator.
type Op uint8

const (
	Eq Op = iota
	Ne
	Lt
	Le
	Gt
	Ge
	Add
	Sub
	Mul
	Div
	Mod
)

var opText = [...]string{Eq: "==", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">=", Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%"}

func (o Op) String() string { return opText[o] }

// ErrIntDivideByZero is the error of an integer division by zero, which
// drops the point.
var ErrIntDivideByZero = errors.New("integer divide by zero")

// Ref resolves a "reference" the way Kapacitor does: a field, else a tag,
// else a missing value. A field and a tag of the same name is an error.
func Ref(p *Point, name string) (Value, error) {
	f, isField := p.Field(name)
	t, isTag := p.Tag(name)
	switch {
	case isField && isTag:
		return Value{}, fmt.Errorf("cannot have field and tags with same name %q", name)
	case isField:
		return f, nil
	case isTag:
		return StringValue(t), nil
	}
	return Value{}, nil
}

// MissingError is the error of using a reference to an absent field or tag.
func MissingError(name string) error {
	return fmt.Errorf("reference %q is missing value", name)
}

// Compare applies a comparison operator.
func Compare(op Op, a, b Value) (bool, error) {
	var c int
	switch {
	case a.Kind == Missing || b.Kind == Missing:
		return false, mismatch(op, a, b)
	case a.Kind == Int && b.Kind == Int:
		c = cmpOrdered(a.I, b.I)
	case isNum(a) && isNum(b):
		c = cmpOrdered(num(a), num(b))
	case a.Kind == String && b.Kind == String:
		c = strings.Compare(a.S, b.S)
	case a.Kind == Bool && b.Kind == Bool && (op == Eq || op == Ne):
		if a.B != b.B {
			c = 1
		}
	default:
		return false, mismatch(op, a, b)
	}
	switch op {
	case Eq:
		return c == 0, nil
	case Ne:
		return c != 0, nil
	case Lt:
		return c < 0, nil
	case Le:
		return c <= 0, nil
	case Gt:
		return c > 0, nil
	case Ge:
		return c >= 0, nil
	}
	return false, mismatch(op, a, b)
}

func isNum(v Value) bool { return v.Kind == Float || v.Kind == Int }

func num(v Value) float64 {
	if v.Kind == Int {
		return float64(v.I)
	}
	return v.F
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Arith applies an arithmetic operator to two values of the same kind.
func Arith(op Op, a, b Value) (Value, error) {
	switch {
	case a.Kind == Float && b.Kind == Float:
		switch op {
		case Add:
			return FloatValue(a.F + b.F), nil
		case Sub:
			return FloatValue(a.F - b.F), nil
		case Mul:
			return FloatValue(a.F * b.F), nil
		case Div:
			return FloatValue(a.F / b.F), nil
		}
	case a.Kind == Int && b.Kind == Int:
		switch op {
		case Add:
			return IntValue(a.I + b.I), nil
		case Sub:
			return IntValue(a.I - b.I), nil
		case Mul:
			return IntValue(a.I * b.I), nil
		case Div, Mod:
			if b.I == 0 {
				return Value{}, ErrIntDivideByZero
			}
			if op == Div {
				return IntValue(a.I / b.I), nil
			}
			return IntValue(a.I % b.I), nil
		}
	case a.Kind == String && b.Kind == String && op == Add:
		return StringValue(a.S + b.S), nil
	}
	return Value{}, mismatch(op, a, b)
}

func mismatch(op Op, a, b Value) error {
	return fmt.Errorf("mismatched type to binary operator: got %s %s %s", a.Kind, op, b.Kind)
}

// Neg negates an int or float value.
func Neg(a Value) (Value, error) {
	switch a.Kind {
	case Float:
		return FloatValue(-a.F), nil
	case Int:
		return IntValue(-a.I), nil
	}
	return Value{}, fmt.Errorf("invalid unary operator - on %s", a.Kind)
}

// AsBool, AsInt, AsFloat and AsString read a value where the lambda needs
// one type; any other kind is an error, as Kapacitor does not convert.
func AsBool(v Value, what string) (bool, error) {
	if v.Kind != Bool {
		return false, wrongKind(v, Bool, what)
	}
	return v.B, nil
}

func AsInt(v Value, what string) (int64, error) {
	if v.Kind != Int {
		return 0, wrongKind(v, Int, what)
	}
	return v.I, nil
}

func AsFloat(v Value, what string) (float64, error) {
	if v.Kind != Float {
		return 0, wrongKind(v, Float, what)
	}
	return v.F, nil
}

func AsString(v Value, what string) (string, error) {
	if v.Kind != String {
		return "", wrongKind(v, String, what)
	}
	return v.S, nil
}

func wrongKind(v Value, want Kind, what string) error {
	if v.Kind == Missing {
		return fmt.Errorf("%s: missing value", what)
	}
	return fmt.Errorf("%s: want %s, got %s", what, want, v.Kind)
}

// CallError is the error of calling a lambda function with values of kinds
// it has no signature for.
func CallError(fn string, args ...Value) error {
	kinds := make([]string, len(args))
	for i, a := range args {
		kinds[i] = a.Kind.String()
	}
	return fmt.Errorf("cannot call function %s with args (%s)", fn, strings.Join(kinds, ", "))
}
