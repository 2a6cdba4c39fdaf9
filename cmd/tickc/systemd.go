package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// systemdFlags are build's flags for the systemd unit written next to the
// binary.
func systemdFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "systemd", Usage: "also write a systemd unit for the binary, BIN.service"},
		&cli.StringFlag{Name: "systemd-user", Usage: "run the service as `USER` (default: a dynamic user, DynamicUser=yes)"},
		&cli.StringFlag{Name: "systemd-config", Usage: "the configuration `FILE` the service reads (default: /etc/tickc/ID.conf)"},
	}
}

// unitOptions describe the service of a task binary.
type unitOptions struct {
	ID     string // the task ID, or the name of a binary of many tasks
	Binary string // the binary's absolute path
	Config string // the --config file
	User   string // "" for DynamicUser
}

// writeSystemdUnit writes bin.service for the task binary bin when the
// build was asked for one. The service is named after the binary (by
// default the task ID).
func writeSystemdUnit(c *cli.Context, bin string) error {
	if !c.Bool("systemd") {
		return nil
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	id := filepath.Base(bin)
	cfg := c.String("systemd-config")
	if cfg == "" {
		cfg = "/etc/tickc/" + unitName(id) + ".conf"
	}
	unit := systemdUnit(unitOptions{ID: id, Binary: abs, Config: cfg, User: c.String("systemd-user")})
	return os.WriteFile(bin+".service", []byte(unit), 0o644)
}

// systemdUnit returns the unit file of a task binary: it serves the task,
// restarts it when it fails, keeps its alert state in a state directory
// that systemd creates, and sandboxes it as far as a task allows. The
// task stops gracefully on SIGTERM (systemctl stop): requests in progress
// are finished, influxDBOut buffers and alert state are written.
func systemdUnit(o unitOptions) string {
	name := unitName(o.ID)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# The Kapacitor task %s, compiled by tickc. Install with:", o.ID)
	line("#   %s config > %s   # then edit it", o.Binary, o.Config)
	line("#   cp %s.service /etc/systemd/system/%s.service", o.Binary, name)
	line("#   systemctl daemon-reload && systemctl enable --now %s", name)
	line("[Unit]")
	line("Description=Kapacitor task %s (tickc)", o.ID)
	line("Wants=network-online.target")
	line("After=network-online.target")
	line("")
	line("[Service]")
	line("Type=exec")
	line("ExecStart=%s serve --config %s --data-dir %s", unitArg(o.Binary), unitArg(o.Config), "%S/tickc/"+name)
	line("Restart=on-failure")
	line("RestartSec=5s")
	line("# Time to finish requests ([http] shutdown-timeout) and flush what the task holds.")
	line("TimeoutStopSec=30s")
	if o.User == "" {
		line("# A user made up for the service: the file system is read-only for it")
		line("# except its state directory, /var/log/tickc and a private /tmp, so")
		line("# write alert .log() files under /var/log/tickc.")
		line("DynamicUser=yes")
	} else {
		line("User=%s", o.User)
	}
	line("# Alert state: %%S/tickc/%s (/var/lib/tickc/%s).", name, name)
	line("StateDirectory=tickc/%s", name)
	line("LogsDirectory=tickc")
	line("NoNewPrivileges=yes")
	line("ProtectSystem=strict")
	line("ProtectHome=read-only")
	line("PrivateTmp=yes")
	line("PrivateDevices=yes")
	line("ProtectKernelTunables=yes")
	line("ProtectKernelModules=yes")
	line("ProtectKernelLogs=yes")
	line("ProtectControlGroups=yes")
	line("ProtectClock=yes")
	line("ProtectHostname=yes")
	line("RestrictNamespaces=yes")
	line("RestrictRealtime=yes")
	line("RestrictSUIDSGID=yes")
	line("LockPersonality=yes")
	line("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")
	line("CapabilityBoundingSet=")
	line("")
	line("[Install]")
	line("WantedBy=multi-user.target")
	return b.String()
}

// unitName is the task ID made safe for unit and directory names: other
// characters than letters, digits, '_', '-' and '.' become '_'.
func unitName(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, id)
}

// unitArg quotes an ExecStart argument for systemd: '%' and '$' are
// doubled (they start specifiers and variables), and an argument with
// spaces, quotes or backslashes is double-quoted with C-style escapes.
func unitArg(s string) string {
	s = strings.NewReplacer("%", "%%", "$", "$$").Replace(s)
	if !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
