package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tickc/tickc/compiler/catalog"
)

// suggest returns a "did you mean" note for the closest of names to name,
// or nil when nothing is close. prefix decorates the suggestion (".", "|").
func suggest(name string, names []string, prefix string) []string {
	best, bestDist := "", 0
	// Sorted, so ties go to the first name alphabetically; copied, so the
	// caller's order is kept.
	for _, n := range slices.Sorted(slices.Values(names)) {
		d := distance(strings.ToLower(name), strings.ToLower(n))
		if best == "" || d < bestDist {
			best, bestDist = n, d
		}
	}
	// Allow about one edit per three letters, as esbuild's typo helper does.
	if best == "" || bestDist > (len(name)+2)/3 || bestDist == len(name) {
		return nil
	}
	switch prefix {
	case ".", "|", "@":
		return []string{fmt.Sprintf("did you mean %s%s()?", prefix, best)}
	case `"`:
		return []string{fmt.Sprintf("did you mean %q?", best)}
	case "'":
		return []string{fmt.Sprintf("did you mean '%s'?", best)}
	}
	return []string{fmt.Sprintf("did you mean %s?", best)}
}

// suggestProp returns the node property closest to name, for a chain method
// that does not exist but resembles a property.
func suggestProp(name string, spec *catalog.Node) string {
	notes := suggest(name, spec.PropNames(), "")
	if len(notes) == 0 {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(notes[0], "did you mean "), "?")
}

// distance is the Levenshtein edit distance between a and b, counting a
// transposition of neighbours as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
