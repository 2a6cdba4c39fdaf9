package influxtest

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStartStop(t *testing.T) {
	var url string
	t.Run("running", func(t *testing.T) {
		s := Start(t)
		url = s.URL
		if !strings.HasPrefix(s.Version, "1.") {
			t.Errorf("Version = %q, want a 1.x version", s.Version)
		}
		s.Write(t, "telegraf", "cpu,host=a usage_idle=97.5 1000000000\n")
		res := s.Query(t, "telegraf", `SELECT "usage_idle", "host" FROM "cpu"`)
		if len(res) != 1 || len(res[0].Series) != 1 {
			t.Fatalf("Query returned %+v, want one series", res)
		}
		got := fmt.Sprint(res[0].Series[0].Values)
		if want := "[[1970-01-01T00:00:01Z 97.5 a]]"; got != want {
			t.Errorf("Query returned values %s, want %s", got, want)
		}
	})
	// The subtest's cleanup has stopped the server.
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get(url + "/ping"); err == nil {
		resp.Body.Close()
		t.Errorf("server at %s still answers after its test ended: %s", url, resp.Status)
	}
}

// TestIndependentServers checks that servers can run side by side (no fixed
// ports) and do not share data.
func TestIndependentServers(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.URL == b.URL {
		t.Fatalf("both servers at %s", a.URL)
	}
	a.Write(t, "only_a", "m v=1i\n")
	dbs := func(s *Server) string {
		return fmt.Sprint(s.Query(t, "", "SHOW DATABASES")[0].Series[0].Values)
	}
	if got, want := dbs(a), "[[only_a]]"; got != want {
		t.Errorf("databases of a = %s, want %s", got, want)
	}
	if got, want := dbs(b), "[]"; got != want {
		t.Errorf("databases of b = %s, want %s", got, want)
	}
}

// recorder is a testing.TB that records how Start gave up instead of
// ending the test.
type recorder struct {
	testing.TB
	skipped, fatal string
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// startWithout runs Start with influxd hidden and returns how it stopped.
func startWithout(t *testing.T) *recorder {
	t.Setenv("PATH", t.TempDir())
	saved := fallbackPath
	fallbackPath = "/nonexistent/influxd"
	t.Cleanup(func() { fallbackPath = saved })

	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(r)
		t.Error("Start returned a server without influxd")
	}()
	<-done
	return r
}

func TestMissingInfluxd(t *testing.T) {
	t.Run("skip", func(t *testing.T) {
		t.Setenv(RequireEnv, "")
		r := startWithout(t)
		want := "influxtest: influxd not found in PATH or at /nonexistent/influxd; skipping (install the Debian package influxdb, or set TICKC_REQUIRE_INFLUXDB=1 to fail instead)"
		if r.skipped != want || r.fatal != "" {
			t.Errorf("Start without influxd: skipped %q, fatal %q; want skipped %q", r.skipped, r.fatal, want)
		}
	})
	t.Run("required", func(t *testing.T) {
		t.Setenv(RequireEnv, "1")
		r := startWithout(t)
		want := "influxtest: influxd not found in PATH or at /nonexistent/influxd (TICKC_REQUIRE_INFLUXDB is set, so InfluxDB is required)"
		if r.fatal != want || r.skipped != "" {
			t.Errorf("Start without influxd, %s set: fatal %q, skipped %q; want fatal %q", RequireEnv, r.fatal, r.skipped, want)
		}
	})
}

// TestStartTLS checks that StartTLS serves the API over HTTPS only, with a
// certificate its CAFile verifies.
func TestStartTLS(t *testing.T) {
	s := StartTLS(t)
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") || s.CAFile == "" {
		t.Fatalf("URL %q, CAFile %q", s.URL, s.CAFile)
	}
	s.Write(t, "db", "m v=1 1000000000\n")
	if res := s.Query(t, "db", "SELECT v FROM m"); len(res) != 1 || len(res[0].Series) != 1 {
		t.Errorf("query over HTTPS: %+v", res)
	}
	// Without trusting the certificate, or over plain HTTP, there is no answer.
	c := &http.Client{Timeout: 5 * time.Second}
	if resp, err := c.Get(s.URL + "/ping"); err == nil {
		resp.Body.Close()
		t.Errorf("an untrusted certificate was accepted")
	}
	if resp, err := c.Get("http://" + strings.TrimPrefix(s.URL, "https://") + "/ping"); err == nil {
		if resp.StatusCode == http.StatusNoContent {
			t.Errorf("plain HTTP answered /ping")
		}
		resp.Body.Close()
	}
}
