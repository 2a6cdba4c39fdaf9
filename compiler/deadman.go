package compiler

import (
	"fmt"
	"os"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/tickc/tickc/compiler/check"
)

// LoadDeadman reads the [deadman] section of the TOML file path (a
// kapacitor.conf): global, threshold, interval (default 10s), id and
// message. It returns nil when the file has no such section.
func LoadDeadman(path string) (*check.Deadman, error) {
	var conf struct {
		Deadman *struct {
			Global    bool    `toml:"global"`
			Threshold float64 `toml:"threshold"`
			Interval  string  `toml:"interval"`
			ID        string  `toml:"id"`
			Message   string  `toml:"message"`
		} `toml:"deadman"`
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := toml.Decode(string(text), &conf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := conf.Deadman
	if s == nil {
		return nil, nil
	}
	d := &check.Deadman{Global: s.Global, Threshold: s.Threshold, Interval: 10 * time.Second, ID: s.ID, Message: s.Message}
	if s.Interval != "" {
		if d.Interval, err = time.ParseDuration(s.Interval); err != nil || d.Interval <= 0 {
			return nil, fmt.Errorf("%s: [deadman] interval %q: want a positive duration such as \"10s\"", path, s.Interval)
		}
	}
	return d, nil
}
