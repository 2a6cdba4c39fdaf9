package stdlib

import (
	"fmt"
	"regexp"
	"strings"
)

// The string functions have Go strings package semantics: indexes and
// lengths count bytes, not runes, and -1 means "not found".

// StrContains implements strContains(string, string) bool.
func StrContains(s, substr string) bool { return strings.Contains(s, substr) }

// StrContainsAny implements strContainsAny(string, chars string) bool: true
// when s holds any rune of chars.
func StrContainsAny(s, chars string) bool { return strings.ContainsAny(s, chars) }

// StrCount implements strCount(string, string) int: non-overlapping
// occurrences of substr; an empty substr counts runes plus one.
func StrCount(s, substr string) int64 { return int64(strings.Count(s, substr)) }

// StrHasPrefix implements strHasPrefix(string, string) bool.
func StrHasPrefix(s, prefix string) bool { return strings.HasPrefix(s, prefix) }

// StrHasSuffix implements strHasSuffix(string, string) bool.
func StrHasSuffix(s, suffix string) bool { return strings.HasSuffix(s, suffix) }

// StrIndex implements strIndex(string, string) int: the byte index of the
// first occurrence of substr, or -1.
func StrIndex(s, substr string) int64 { return int64(strings.Index(s, substr)) }

// StrIndexAny implements strIndexAny(string, chars string) int: the byte index
// of the first rune of s that is in chars, or -1.
func StrIndexAny(s, chars string) int64 { return int64(strings.IndexAny(s, chars)) }

// StrLastIndex implements strLastIndex(string, string) int.
func StrLastIndex(s, substr string) int64 { return int64(strings.LastIndex(s, substr)) }

// StrLastIndexAny implements strLastIndexAny(string, chars string) int.
func StrLastIndexAny(s, chars string) int64 { return int64(strings.LastIndexAny(s, chars)) }

// StrLength implements strLength(string) int. It counts bytes, not runes:
// strLength('é') is 2.
func StrLength(s string) int64 { return int64(len(s)) }

// StrReplace implements strReplace(s string, old string, new string, n int)
// string: the first n non-overlapping occurrences of old are replaced; n < 0
// replaces all of them and n == 0 none.
func StrReplace(s, old, new string, n int64) string {
	return strings.Replace(s, old, new, clampInt(n))
}

// StrSubstring implements strSubstring(string, start int, stop int) string,
// the bytes s[start:stop].
//
// Kapacitor quirk: stop must be strictly less than len(s), so the last byte
// of a string can never be part of the result (strSubstring('abc', 0, 3) is an
// error, not 'abc'). Negative indexes are errors too. When start > stop Go's
// slice expression panics inside Kapacitor; here it is an error as well.
func StrSubstring(s string, start, stop int64) (string, error) {
	if start < 0 {
		return "", fmt.Errorf("found negative index for strSubstring: %d", start)
	}
	if stop < 0 {
		return "", fmt.Errorf("found negative index for strSubstring: %d", stop)
	}
	if stop >= int64(len(s)) {
		return "", fmt.Errorf("stop index too large for string in strSubstring: %d", stop)
	}
	if start > stop {
		return "", fmt.Errorf("slice bounds out of range [%d:%d]", start, stop)
	}
	return s[start:stop], nil
}

// StrToLower implements strToLower(string) string (Unicode lower case).
func StrToLower(s string) string { return strings.ToLower(s) }

// StrToUpper implements strToUpper(string) string (Unicode upper case).
func StrToUpper(s string) string { return strings.ToUpper(s) }

// StrTrim implements strTrim(string, cutset string) string: leading and
// trailing runes contained in cutset are removed (a set, not a prefix).
func StrTrim(s, cutset string) string { return strings.Trim(s, cutset) }

// StrTrimLeft implements strTrimLeft(string, cutset string) string.
func StrTrimLeft(s, cutset string) string { return strings.TrimLeft(s, cutset) }

// StrTrimPrefix implements strTrimPrefix(string, prefix string) string.
func StrTrimPrefix(s, prefix string) string { return strings.TrimPrefix(s, prefix) }

// StrTrimRight implements strTrimRight(string, cutset string) string.
func StrTrimRight(s, cutset string) string { return strings.TrimRight(s, cutset) }

// StrTrimSpace implements strTrimSpace(string) string.
func StrTrimSpace(s string) string { return strings.TrimSpace(s) }

// StrTrimSuffix implements strTrimSuffix(string, suffix string) string.
func StrTrimSuffix(s, suffix string) string { return strings.TrimSuffix(s, suffix) }

// RegexReplace implements regexReplace(regex, src string, repl string) string
// with regexp.ReplaceAllString semantics: $1, ${name} in repl expand to
// submatches, and $$ is a literal dollar.
func RegexReplace(re *regexp.Regexp, src, repl string) string {
	return re.ReplaceAllString(src, repl)
}

// clampInt converts an int64 to int, saturating on 32-bit platforms.
func clampInt(n int64) int {
	const maxInt = int64(^uint(0) >> 1)
	if n > maxInt {
		return int(maxInt)
	}
	if n < -maxInt-1 {
		return int(-maxInt - 1)
	}
	return int(n)
}
