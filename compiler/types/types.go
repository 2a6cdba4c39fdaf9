// Package types defines the value types of TICKscript and its lambda language.
//
// They mirror Kapacitor's ast.ValueType, plus the kinds of value that only
// exist while a script is checked (pipeline nodes, time dimensions) and
// Unknown, the type of a field or tag reference whose type is decided by the
// data at run time.
package types

// Type is the static type of a TICKscript value or lambda expression.
type Type uint8

const (
	Invalid Type = iota
	// Unknown is the type of a field or tag reference when no schema says
	// what it holds; it is resolved per point at run time.
	Unknown
	Bool
	Int
	Float
	String
	Duration
	Time
	Regex
	Lambda
	List
	Star
	// Missing is a reference to an absent field or tag; only isPresent accepts it.
	Missing
	// Node is a pipeline node value (stream, from(), alert() ...).
	Node
	// TimeDim is the value of the global time(d) function, used by query().groupBy.
	TimeDim
	// Any is used in signatures for parameters that accept any literal value.
	Any
)

var names = [...]string{
	Invalid:  "invalid",
	Unknown:  "unknown",
	Bool:     "bool",
	Int:      "int",
	Float:    "float",
	String:   "string",
	Duration: "duration",
	Time:     "time",
	Regex:    "regex",
	Lambda:   "lambda",
	List:     "list",
	Star:     "star",
	Missing:  "missing",
	Node:     "node",
	TimeDim:  "time dimension",
	Any:      "any",
}

func (t Type) String() string {
	if int(t) < len(names) {
		return names[t]
	}
	return "invalid"
}

// MarshalText makes types print by name in the IR's JSON form.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses a type name as printed by String.
func (t *Type) UnmarshalText(b []byte) error {
	for i, n := range names {
		if n == string(b) {
			*t = Type(i)
			return nil
		}
	}
	*t = Invalid
	return nil
}

// ByName returns the type named in a template declaration such as
// `var x float`; ok is false for a name Kapacitor does not accept there.
func ByName(name string) (t Type, ok bool) {
	switch name {
	case "int":
		return Int, true
	case "float":
		return Float, true
	case "bool":
		return Bool, true
	case "string":
		return String, true
	case "regex":
		return Regex, true
	case "duration":
		return Duration, true
	case "lambda":
		return Lambda, true
	case "list":
		return List, true
	case "star":
		return Star, true
	}
	return Invalid, false
}

// IsNumeric reports whether t is int or float.
func (t Type) IsNumeric() bool { return t == Int || t == Float }

// IsFieldType reports whether t is a type a point field can hold.
func (t Type) IsFieldType() bool { return t == Bool || t == Int || t == Float || t == String }
