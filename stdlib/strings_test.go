package stdlib

import (
	"regexp"
	"testing"
)

func TestStrSubstring(t *testing.T) {
	cases := []struct {
		s           string
		start, stop int64
		want        string
		wantErr     string
	}{
		{"abcdef", 1, 3, "bc", ""},
		{"abc", 0, 2, "ab", ""},
		{"abc", 1, 1, "", ""},
		// Kapacitor quirk: stop == len(s) is rejected, so the last byte is
		// unreachable.
		{"abc", 0, 3, "", "stop index too large for string in strSubstring: 3"},
		{"abc", 0, 10, "", "stop index too large for string in strSubstring: 10"},
		{"", 0, 0, "", "stop index too large for string in strSubstring: 0"},
		{"abc", -1, 1, "", "found negative index for strSubstring: -1"},
		{"abc", 0, -2, "", "found negative index for strSubstring: -2"},
		{"abc", 2, 1, "", "slice bounds out of range [2:1]"},
		// Byte indexes: 'é' is two bytes.
		{"éa", 0, 2, "é", ""},
	}
	for _, c := range cases {
		got, err := StrSubstring(c.s, c.start, c.stop)
		checkErr(t, "StrSubstring", []any{c.s, c.start, c.stop}, err, c.wantErr)
		if err == nil && got != c.want {
			t.Errorf("StrSubstring(%q, %d, %d) = %q, want %q", c.s, c.start, c.stop, got, c.want)
		}
	}
}

func TestStringFunctions(t *testing.T) {
	boolCases := []struct {
		name string
		got  bool
		want bool
	}{
		{"StrContains", StrContains("seafood", "foo"), true},
		{"StrContains empty", StrContains("seafood", ""), true},
		{"StrContainsAny", StrContainsAny("failure", "ui"), true},
		{"StrContainsAny empty", StrContainsAny("failure", ""), false},
		{"StrHasPrefix", StrHasPrefix("server01", "server"), true},
		{"StrHasSuffix", StrHasSuffix("server01", "02"), false},
	}
	for _, c := range boolCases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	intCases := []struct {
		name string
		got  int64
		want int64
	}{
		{"StrCount", StrCount("cheese", "e"), 3},
		{"StrCount empty", StrCount("five", ""), 5},
		{"StrIndex", StrIndex("chicken", "ken"), 4},
		{"StrIndex missing", StrIndex("chicken", "dmr"), -1},
		{"StrIndexAny", StrIndexAny("golang", "ny"), 4},
		{"StrLastIndex", StrLastIndex("go gopher", "go"), 3},
		{"StrLastIndexAny", StrLastIndexAny("go gopher", "ordent"), 8},
		{"StrLength", StrLength("abc"), 3},
		{"StrLength bytes", StrLength("é"), 2},
		{"StrIndex bytes", StrIndex("éa", "a"), 2},
	}
	for _, c := range intCases {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	strCases := []struct {
		name string
		got  string
		want string
	}{
		{"StrReplace 2", StrReplace("aaaa", "a", "b", 2), "bbaa"},
		{"StrReplace all", StrReplace("aaaa", "a", "b", -1), "bbbb"},
		{"StrReplace none", StrReplace("aaaa", "a", "b", 0), "aaaa"},
		{"StrToLower", StrToLower("HeLLo"), "hello"},
		{"StrToUpper", StrToUpper("héllo"), "HÉLLO"},
		{"StrTrim", StrTrim("xxhixyx", "xy"), "hi"},
		{"StrTrimLeft", StrTrimLeft("xxhix", "x"), "hix"},
		{"StrTrimRight", StrTrimRight("xxhix", "x"), "xxhi"},
		{"StrTrimPrefix", StrTrimPrefix("xxhix", "x"), "xhix"},
		{"StrTrimSuffix", StrTrimSuffix("host.local", ".local"), "host"},
		{"StrTrimSpace", StrTrimSpace(" \t hi \n"), "hi"},
	}
	for _, c := range strCases {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestRegexReplace(t *testing.T) {
	cases := []struct {
		re, src, repl, want string
	}{
		{`(\w+)@(\w+)`, "joe@example", "$2:$1", "example:joe"},
		{`a+`, "baaac aa", "x", "bxc x"},
		{`(?P<host>\w+)\.local`, "db.local", "${host}.remote", "db.remote"},
		// $1x names group "1x", which does not exist, so it expands to "".
		{`a(b)`, "ab", "$1x", ""},
		{`a(b)`, "ab", "${1}x", "bx"},
		{`a`, "a", "$$", "$"},
	}
	for _, c := range cases {
		if got := RegexReplace(regexp.MustCompile(c.re), c.src, c.repl); got != c.want {
			t.Errorf("RegexReplace(%q, %q, %q) = %q, want %q", c.re, c.src, c.repl, got, c.want)
		}
	}
}
