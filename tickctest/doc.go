// Package tickctest tests TICKscript tasks: it compiles a script with
// tickc, replays data through the task binary and returns the alert events
// and httpOut results, for Go tests and for `tickc test`. No InfluxDB and
// no server are needed.
//
// # In Go tests
//
//	func TestCPUAlert(t *testing.T) {
//		res := tickctest.Replay(t, "cpu_alert.tick", "cpu.srpl")
//		if len(res.Alerts) == 0 || res.Alerts[0].Level() != "CRITICAL" { ... }
//	}
//
// The script's .log() paths are redirected to temporary files (in the
// checked task, before code generation: the script file is not touched),
// and Result.Alerts holds the events they received, decoded. Result.HTTPOut
// holds what each httpOut endpoint answers at the end of the replay.
// Compile and Program.Replay do the same in two steps, to replay several
// inputs through one build.
//
// # Test files
//
// `tickc test [DIR|FILE...]` runs test files, by default the *_test.yaml
// (or *_test.yml) files of a directory, like `promtool test rules`:
//
//	# cpu_alert_test.yaml
//	script: cpu_alert.tick        # relative to this file
//	id: cpu_alert                 # optional task ID (default: the script's base name)
//	dbrp: [telegraf.autogen]      # optional, for scripts without a dbrp statement
//	vars:                         # optional: values of the template vars (var x float)
//	  threshold: 70.0
//	clock: recorded               # recorded (default: replay --rec-time) or now
//	input:                        # the default input of the tests
//	  recording: cpu.srpl         # a recording (.srpl, plain or gzip) or line protocol file
//	tests:
//	  - name: server1 goes critical
//	    input:                    # overrides the file's input
//	      db: telegraf            # inline line protocol for db.rp (rp: autogen by default);
//	      rp: autogen             # without db, points go to the task's dbrp
//	      precision: s            # n (default), u, ms, s, m or h
//	      lines: |
//	        cpu,host=server1 usage_idle=90 1709546400
//	        cpu,host=server1 usage_idle=60 1709546430
//	    clock: recorded           # overrides the file's clock
//	    alert_count: 1            # optional: how many events the .log() files got
//	    alerts:                   # the events, in order (all .log() files, in script order)
//	      - {id: "cpu:nil", level: CRITICAL, time: 2024-03-04T10:00:30Z}
//	    httpout:                  # per httpOut endpoint: its series, in order
//	      top:
//	        - name: cpu
//	          tags: {host: server1}
//	          rows:
//	            - {time: 2024-03-04T10:00:30Z, usage_idle: 60}
//
// Matching is partial where it helps readability: in a map (an alert
// event, a series, its tags, a row) only the keys given are compared;
// lists (the events, the series, the rows) must have exactly the elements
// given, in order. Numbers compare as numbers (1 == 1.0), times as instants
// (a YAML timestamp or an RFC 3339 string), and a duration string ("30s")
// matches a number of nanoseconds (an event's duration). The keys of an
// event are Kapacitor's: id, message, details, time, duration, level,
// previousLevel, recoverable, data. Leaving out `alerts` does not check the
// events; `alerts: []` expects none.
//
// `tickc test -update` rewrites alerts (every key but details), alert_count
// if present and httpout (every endpoint of the script) from what the tests
// produced; the rest of the file, comments included, is kept. Review the
// diff. `--format junit` writes JUnit XML to stdout.
//
// Each script is built once per run (per set of vars). Other alert
// handlers (post, tcp, exec) run as written.
package tickctest
