package handlers

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// Each printed section must be valid TOML and, read back, configure its
// handler the way the defaults say.
func TestDefaultSectionsParse(t *testing.T) {
	for name := range sectionKeys {
		text, ok := DefaultSection(name)
		if !ok {
			t.Fatalf("%s: no section", name)
		}
		var doc map[string]any
		if _, err := toml.Decode(text, &doc); err != nil {
			t.Errorf("%s: invalid TOML: %v\n%s", name, err, text)
			continue
		}
		if doc[name] == nil {
			t.Errorf("%s: the section is not named %q:\n%s", name, name, text)
		}
	}
	if _, ok := DefaultSection("nosuchservice"); ok {
		t.Error("nosuchservice has no handler")
	}
}
