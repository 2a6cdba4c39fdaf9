package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitLines returns the key=value settings of a unit, in order, without
// comments and section headers.
func unitLines(unit string) []string {
	var out []string
	for _, l := range strings.Split(unit, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "[") {
			out = append(out, l)
		}
	}
	return out
}

func has(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestSystemdUnit(t *testing.T) {
	unit := systemdUnit(unitOptions{ID: "cpu_alert", Binary: "/opt/tickc/cpu_alert", Config: "/etc/tickc/cpu_alert.conf"})
	lines := unitLines(unit)
	for _, want := range []string{
		"ExecStart=/opt/tickc/cpu_alert serve --config /etc/tickc/cpu_alert.conf --data-dir %S/tickc/cpu_alert",
		"Restart=on-failure",
		"DynamicUser=yes",
		"StateDirectory=tickc/cpu_alert",
		"NoNewPrivileges=yes",
		"ProtectSystem=strict",
		"WantedBy=multi-user.target",
	} {
		if !has(lines, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	for _, section := range []string{"[Unit]\n", "[Service]\n", "[Install]\n"} {
		if strings.Count(unit, section) != 1 {
			t.Errorf("unit has not one %s", section)
		}
	}

	// A named user instead of a dynamic one; paths that need quoting.
	unit = systemdUnit(unitOptions{ID: "my task", Binary: "/opt/my tasks/50%", Config: "/etc/$HOME.conf", User: "kapacitor"})
	lines = unitLines(unit)
	for _, want := range []string{
		`ExecStart="/opt/my tasks/50%%" serve --config /etc/$$HOME.conf --data-dir %S/tickc/my_task`,
		"User=kapacitor",
		"StateDirectory=tickc/my_task",
	} {
		if !has(lines, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	if has(lines, "DynamicUser=yes") {
		t.Errorf("DynamicUser with User:\n%s", unit)
	}
}

// tickc build --systemd writes BIN.service next to the binary, with the
// binary's absolute path; systemd-analyze checks it where it is installed.
func TestBuildSystemd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	script := writeScript(t, "cpu_alert.tick", `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10.0)
        .log('/var/log/tickc/cpu_alert.log')
`)
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errOut := tickc(t, "build", script, "--systemd", "--systemd-config", "/etc/kapacitor/kapacitor.conf"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errOut)
	}
	unit, err := os.ReadFile(filepath.Join(dir, "cpu_alert.service"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "cpu_alert")
	want := "ExecStart=" + bin + " serve --config /etc/kapacitor/kapacitor.conf --data-dir %S/tickc/cpu_alert"
	if !has(unitLines(string(unit)), want) {
		t.Errorf("unit lacks %q:\n%s", want, unit)
	}
	// Without --systemd there is no unit.
	if code, _, errOut := tickc(t, "build", script, "-o", "other"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.service")); !os.IsNotExist(err) {
		t.Errorf("other.service: %v", err)
	}

	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("systemd-analyze not installed: the unit was not verified by systemd")
		return
	}
	// verify exits 0 on unknown keys and bad values, but says so.
	out, err := exec.Command("systemd-analyze", "verify", filepath.Join(dir, "cpu_alert.service")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
