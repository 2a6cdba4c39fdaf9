package taskcli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfigSections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.conf")
	text := "[[httppost]]\n  endpoint = \"a\"\n  url = \"http://a/\"\n[[httppost]]\n  endpoint = \"b\"\n  url = \"http://b/\"\n  headers = { X = \"y\" }\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sections("httppost")
	if len(s) != 2 || s[1]["endpoint"] != "b" || s[1]["headers"].(map[string]any)["X"] != "y" {
		t.Errorf("sections: %v", s)
	}
	if first, ok := c.Section("httppost"); !ok || first["endpoint"] != "a" {
		t.Errorf("section: %v", first)
	}
	if len(c.Sections("http")) != 1 || c.Sections("nope") != nil {
		t.Errorf("plain sections: %v %v", c.Sections("http"), c.Sections("nope"))
	}
}
