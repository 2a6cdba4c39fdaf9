package golden

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The inputs of the golden cases are committed files (input.lp or
// input.srpl) so that a case can be read and replayed on its own, but they
// are made by the generators below: TestGoldenInputs checks that each
// committed input is what its generator writes, and -update rewrites it.
// Every generator is deterministic (fixed seeds, fixed times).

// t0 is the time of every case's first point: 2024-03-04T10:00:00Z.
var t0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)

// at returns the timestamp in nanoseconds of step i, steps apart.
func at(i int, step time.Duration) int64 {
	return t0.Add(time.Duration(i) * step).UnixNano()
}

// num formats a float rounded to two decimals, as Telegraf data looks.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// cpuFields returns the usage fields of a cpu point with idle time idle:
// the rest is split between user (70%) and system.
func cpuFields(idle float64) string {
	idle = math.Round(idle*100) / 100
	user := math.Round((100-idle)*0.7*100) / 100
	system := math.Round((100-idle-user)*100) / 100
	return fmt.Sprintf("usage_idle=%s,usage_system=%s,usage_user=%s", num(idle), num(system), num(user))
}

// inputs maps a case to the generator of its input file.
var inputs = map[string]func() (file, text string){
	"cpu_alert":                inputCPUAlert,
	"cpu_alert_sigma":          inputCPUAlertSigma,
	"cpu_alert_percentile":     inputCPUAlertPercentile,
	"alert_grouped_recoveries": inputGroupedRecoveries,
	"alert_levels_resets":      inputLevelsResets,
	"alert_state_changes_only": inputStateChangesOnly,
	"alert_no_recoveries":      inputNoRecoveries,
	"alert_templates":          inputTemplates,
	"alert_fields_httpout":     inputFieldsHTTPOut,
	"window_aggregates":        inputWindowAggregates,
	"where_regex_strings":      inputWhereRegexStrings,
	"eval_keep_tags":           inputEvalKeepTags,
	"default_delete":           inputDefaultDelete,
	"lambda_errors":            inputLambdaErrors,
	"alert_topic":              inputTopic,
	"alert_inhibit":            inputInhibit,
	"alert_flapping":           inputFlapping,
	"alert_scochanges_expiry":  inputSCOExpiry,
	"alert_resets":             inputResets,
	"alert_batch_all":          inputBatchAll,
	"alert_deadman":            inputDeadman,

	// The issue-6 nodes (node_*).
	"node_transforms_stream":   inputNodeDisk,
	"node_transforms_batch":    inputNodeDisk,
	"node_join_stream":         inputNodeJoin,
	"node_join_batch":          inputNodeJoin,
	"node_barrier_outputs":     inputNodeDisk,
	"node_union_stream":        inputNodeJoin,
	"node_union_batch":         inputNodeDisk,
	"node_state":               inputNodeDisk,
	"node_sideload":            inputNodeDisk,
	"node_httppost":            inputNodeDisk,
	"node_httppost_alert":      inputNodeDisk,
	"node_autoscale":           inputNodeLoad,
	"node_autoscale_swarm_ec2": inputNodeFleet,
	"node_udf_stream":          inputNodeUDF,
	"node_udf_batch":           inputNodeUDF,
	"node_barrier_join":        inputNodeBarrierJoin,
	"node_barrier_paths":       inputNodeDisk,
}

// sequences writes one cpu point per host and step, hosts in order within a
// step, with the idle values given per host (NaN: no point).
func sequences(step time.Duration, hosts []string, idle map[string][]float64) string {
	var b strings.Builder
	n := 0
	for _, h := range hosts {
		n = max(n, len(idle[h]))
	}
	for i := range n {
		for _, h := range hosts {
			if i >= len(idle[h]) || math.IsNaN(idle[h][i]) {
				continue
			}
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=%s %s %d\n", h, cpuFields(idle[h][i]), at(i, step))
		}
	}
	return b.String()
}

// inputCPUAlert: four hosts, 30 steps of 10s; two crit episodes, single
// crit points, and values around the int() threshold (69.99 is crit, 70 and
// 70.95 are not).
func inputCPUAlert() (string, string) {
	r := rand.New(rand.NewPCG(1, 1))
	var b strings.Builder
	for i := range 30 {
		for h := 1; h <= 4; h++ {
			idle := 80 + r.Float64()*18
			switch {
			case h == 2 && i >= 5 && i <= 8:
				idle = 55 + r.Float64()*10
			case h == 4 && (i == 12 || i == 13):
				idle = 60 + r.Float64()*5
			case h == 1 && i == 20:
				idle = 69.99
			case h == 3 && i == 20:
				idle = 70
			case h == 3 && i == 21:
				idle = 70.95
			case h == 1 && i == 25:
				idle = 0.5
			}
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server%d %s %d\n", h, cpuFields(idle), at(i, 10*time.Second))
		}
	}
	return "input.lp", b.String()
}

// inputCPUAlertSigma: a stream recording (.srpl, text form) of three calm
// hosts, one of which spikes after 30 steps; records of another database
// are in between and must be skipped.
func inputCPUAlertSigma() (string, string) {
	r := rand.New(rand.NewPCG(2, 2))
	var b strings.Builder
	for i := range 40 {
		for h := 1; h <= 3; h++ {
			idle := 90 + (r.Float64()-0.5)*3
			switch {
			case h == 2 && i == 30:
				idle = 60
			case h == 2 && i == 31:
				idle = 62
			case h == 2 && i == 32:
				idle = 80
			}
			fmt.Fprintf(&b, "telegraf\nautogen\ncpu,cpu=cpu-total,host=server%d %s %d\n", h, cpuFields(idle), at(i, 10*time.Second))
		}
		if i%10 == 5 {
			fmt.Fprintf(&b, "other\nautogen\ncpu,cpu=cpu-total,host=server9 %s %d\n", cpuFields(1), at(i, 10*time.Second))
		}
	}
	return "input.srpl", b.String()
}

// inputCPUAlertPercentile: eight hosts in four service/datacenter groups,
// 15 minutes at 20s; server3 (web, eu-west) is hot in minute 10, server6
// (db, us-east) warm in minute 12.
func inputCPUAlertPercentile() (string, string) {
	r := rand.New(rand.NewPCG(3, 3))
	services := []string{"web", "db"}
	dcs := []string{"us-east", "eu-west"}
	var b strings.Builder
	for i := range 45 {
		for h := 1; h <= 8; h++ {
			service := services[(h-1)%2]
			dc := dcs[((h-1)/2)%2]
			idle := 85 + r.Float64()*10
			minute := i / 3
			switch {
			case h == 3 && minute == 10:
				idle = 30 + r.Float64()*5
			case h == 6 && minute == 12:
				idle = 55 + r.Float64()*5
			}
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,datacenter=%s,host=server%d,service=%s %s %d\n",
				dc, h, service, cpuFields(idle), at(i, 20*time.Second))
		}
	}
	return "input.lp", b.String()
}

// inputGroupedRecoveries: warn < 80, crit < 60. server1 never alerts,
// server2 goes OK→WARN→CRIT→WARN→OK, then straight to CRIT and back, and
// ends with a single WARN; server3 ends in WARN.
func inputGroupedRecoveries() (string, string) {
	nan := math.NaN()
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2", "server3"}, map[string][]float64{
		"server1": {95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94},
		"server2": {90, 85, 75, 70, 55, 50, 65, 78, 82, 90, 91, 92, 58, 59, 90, 88, 75, 81, 85, 90},
		"server3": {95, 78, 77, 76, 79, 85, 86, nan, 88, 89, 90, 91, 92, 93, 94, 79, 70, 65, 70, 75},
	})
}

// inputLevelsResets: warn < 50 (reset > 70), crit < 25 (reset > 40).
func inputLevelsResets() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"serverA", "serverB"}, map[string][]float64{
		"serverA": {90, 45, 55, 65, 75, 20, 30, 45, 60, 80, 45, 10, 35, 50, 90},
		"serverB": {60, 48, 72, 49, 24, 41, 71, 95},
	})
}

// inputStateChangesOnly: warn < 70, crit < 50, 30 steps of 10s. server1 is
// CRIT for two minutes, then WARN for 100s, then OK; server2 has short
// WARN and CRIT episodes.
func inputStateChangesOnly() (string, string) {
	s1 := make([]float64, 30)
	s2 := make([]float64, 30)
	for i := range s1 {
		switch {
		case i >= 3 && i <= 14:
			s1[i] = 40 + float64(i%3)
		case i >= 15 && i <= 24:
			s1[i] = 65 - float64(i%2)
		default:
			s1[i] = 90 + float64(i%4)
		}
		switch i {
		case 10, 11:
			s2[i] = 68
		case 20:
			s2[i] = 45
		default:
			s2[i] = 85 + float64(i%5)
		}
	}
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": s1, "server2": s2,
	})
}

// inputNoRecoveries: warn < 70, crit < 50; server1 alerts, recovers and
// alerts again twice; server2 only at the end.
func inputNoRecoveries() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": {90, 60, 45, 80, 90, 40, 85, 65, 90, 90, 91, 92},
		"server2": {95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 66, 67},
	})
}

// inputTemplates: warn < 75, crit < 55; team tags with characters that
// html/template escapes.
func inputTemplates() (string, string) {
	idle := map[string][]float64{
		"web1": {90, 70, 50, 52, 80, 90, 88, 74.25, 90, 91, 92, 93},
		"db1":  {85, 86, 87, 88, 60.04, 61, 95, 96, 97, 98, 54.96, 99},
	}
	team := map[string]string{"web1": `ops&dev`, "db1": `dba's<team>`}
	var b strings.Builder
	for i := range 12 {
		for _, h := range []string{"web1", "db1"} {
			fmt.Fprintf(&b, "cpu,host=%s,team=%s %s %d\n", h, team[h], cpuFields(idle[h][i]), at(i, 10*time.Second))
		}
	}
	return "input.lp", b.String()
}

// inputFieldsHTTPOut: warn < 70, crit < 50. server2 alerts first (so its
// group comes first at the httpOut node), server1 has one WARN episode and
// recovers, server3 never alerts.
func inputFieldsHTTPOut() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2", "server3"}, map[string][]float64{
		"server1": {90, 91, 65, 60, 68, 80, 90, 91, 92, 93, 94, 95, 96, 97, 98},
		"server2": {85, 69, 75, 80, 85, 90, 45, 65, 40, 42, 44, 46, 48, 41, 43},
		"server3": {99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85},
	})
}

// inputWindowAggregates: three hosts every 10s for 5 minutes; server3 is
// silent for steps 10 to 14 and server2 starts 25s late.
func inputWindowAggregates() (string, string) {
	r := rand.New(rand.NewPCG(10, 10))
	var b strings.Builder
	for i := range 30 {
		for h := 1; h <= 3; h++ {
			idle := 60 + r.Float64()*35
			if h == 3 && i >= 10 && i <= 14 {
				continue
			}
			t := at(i, 10*time.Second)
			if h == 2 {
				if i < 3 {
					continue
				}
				t -= int64(5 * time.Second)
			}
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server%d %s %d\n", h, cpuFields(idle), t)
		}
	}
	return "input.lp", b.String()
}

// inputWhereRegexStrings: six hosts with regions and an env tag that
// rotates; only web-1, web-12 and db-1 in an east region and a prod or
// staging env pass.
func inputWhereRegexStrings() (string, string) {
	hosts := []struct{ name, region string }{
		{"web-1", "us-east-1"}, {"web-2", "eu-west-1"}, {"web-x", "us-east-1"},
		{"web-12", "us-east-2"}, {"db-1", "ap-east-2"}, {"cache-1", "us-east-1"},
	}
	envs := []string{"prod", "test", "staging", "dev"}
	var b strings.Builder
	for i := range 10 {
		for j, h := range hosts {
			idle := 70 + float64((i*7+j*13)%25)
			fmt.Fprintf(&b, "cpu,env=%s,host=%s,region=%s usage_idle=%s %d\n",
				envs[(i+j)%4], h.name, h.region, num(idle), at(i, 10*time.Second))
		}
	}
	return "input.lp", b.String()
}

// inputEvalKeepTags: three hosts whose idle time crosses 50 now and then.
func inputEvalKeepTags() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2", "server3"}, map[string][]float64{
		"server1": {80, 75.5, 49.9, 30, 60, 85, 90, 45, 50, 55},
		"server2": {20, 25, 30, 35, 40, 45, 55, 65, 75, 85},
		"server3": {99, 98.75, 97, 96, 95, 94, 93, 92, 91, 49},
	})
}

// inputDefaultDelete: server1 is complete; server2 lacks usage_system every
// other step; server3 and server4 have no service tag; server3 has a
// usage_steal field once; server4 lacks usage_system once.
func inputDefaultDelete() (string, string) {
	var b strings.Builder
	for i := range 8 {
		t := at(i, 10*time.Second)
		idle := 80 + float64(i)
		fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server1,service=web usage_idle=%s,usage_system=1.5,usage_user=%s %d\n", num(idle), num(100-idle-1.5), t)
		if i%2 == 0 {
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server2,service=db usage_idle=%s,usage_user=5 %d\n", num(idle-10), t)
		} else {
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server2,service=db usage_idle=%s,usage_system=2.25,usage_user=5 %d\n", num(idle-10), t)
		}
		if i == 3 {
			fmt.Fprintf(&b, "cpu,cpu=cpu0,host=server3 usage_idle=%s,usage_steal=0.5,usage_system=3,usage_user=4 %d\n", num(idle-20), t)
		} else {
			fmt.Fprintf(&b, "cpu,cpu=cpu0,host=server3 usage_idle=%s,usage_system=3,usage_user=4 %d\n", num(idle-20), t)
		}
		if i == 5 {
			fmt.Fprintf(&b, "cpu,cpu=cpu1,host=server4 usage_idle=%s,usage_user=6 %d\n", num(idle-30), t)
		} else {
			fmt.Fprintf(&b, "cpu,cpu=cpu1,host=server4 usage_idle=%s,usage_system=0.75,usage_user=6 %d\n", num(idle-30), t)
		}
	}
	return "input.lp", b.String()
}

// inputLambdaErrors: points whose usage_idle is a string, an int or
// missing (the eval fails), whose load is missing or a string (the where
// fails), and whose temp is a string or missing (the crit test fails and
// counts as false).
func inputLambdaErrors() (string, string) {
	var b strings.Builder
	for i := range 12 {
		t := at(i, 10*time.Second)
		for h := 1; h <= 3; h++ {
			idle := fmt.Sprint(90 - 5*h - i)
			load := num(0.25 * float64(h+i))
			temp := num(60 + float64(h*3+i))
			switch {
			case h == 2 && i == 3:
				idle = `"n/a"`
			case h == 3 && i == 5:
				idle = "42i"
			case h == 1 && i == 7:
				idle = ""
			case h == 1 && i == 2:
				load = ""
			case h == 3 && i == 8:
				load = `"high"`
			case h == 2 && i == 6:
				temp = "95"
			case h == 2 && i == 9:
				temp = `"hot"`
			case h == 1 && i >= 9:
				temp = ""
			}
			if h == 2 && (i == 9 || i == 10) {
				idle = "55" // used = 45: WARN
			}
			var fields []string
			for _, f := range [][2]string{{"load", load}, {"temp", temp}, {"usage_idle", idle}} {
				if f[1] != "" {
					fields = append(fields, f[0]+"="+f[1])
				}
			}
			fmt.Fprintf(&b, "cpu,host=server%d %s %d\n", h, strings.Join(fields, ","), t)
		}
	}
	return "input.lp", b.String()
}

// inputTopic: the first alert warns below 70 and is critical below 50,
// the second is critical below 30. server1 starts at WARN (the second
// alert's new group takes the topic's WARNING, and recovers at once),
// later goes CRIT for both; server2 is OK first, then CRIT for both.
func inputTopic() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": {65, 62, 80, 45, 25, 20, 60, 90, 91},
		"server2": {90, 91, 92, 20, 25, 85, 86, 87, 88},
	})
}

// inputInhibit: the host alert is CRIT below 10. server1 drops below 10
// while its cpu alert is CRIT, so the cpu events in between are
// inhibited; server2 has cpu events only, never inhibited.
func inputInhibit() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": {90, 60, 40, 8, 5, 45, 7, 30, 65, 95, 40},
		"server2": {90, 60, 40, 45, 30, 65, 95, 92, 91, 90, 89},
	})
}

// inputFlapping: crit below 50. server1 alternates OK and CRIT for 14
// steps, stays CRIT for 8, then OK; server2 changes level three times.
func inputFlapping() (string, string) {
	var s1, s2 []float64
	for i := range 30 {
		switch {
		case i < 14:
			s1 = append(s1, []float64{90, 40}[i%2])
		case i < 22:
			s1 = append(s1, 35)
		default:
			s1 = append(s1, 85)
		}
		if i >= 8 && i < 16 {
			s2 = append(s2, 45)
		} else {
			s2 = append(s2, 88)
		}
	}
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": s1, "server2": s2,
	})
}

// inputSCOExpiry: warn below 70, crit below 50, at irregular offsets (in
// seconds from t0): server1 is CRIT for three minutes with gaps, then
// WARN, then OK; server2 WARN for a minute and a half, then OK.
func inputSCOExpiry() (string, string) {
	type pt struct {
		sec  int
		host string
		idle float64
	}
	pts := []pt{
		{0, "server1", 90}, {0, "server2", 65},
		{10, "server1", 40}, {20, "server2", 66},
		{25, "server1", 42}, {40, "server1", 41}, {50, "server2", 64},
		{54, "server1", 43}, {56, "server1", 44}, {70, "server2", 63},
		{100, "server1", 45}, {101, "server1", 46}, {100, "server2", 90},
		{150, "server1", 40}, {160, "server1", 41}, {190, "server1", 60},
		{230, "server1", 61}, {236, "server1", 62}, {240, "server1", 95},
	}
	slices.SortStableFunc(pts, func(a, b pt) int { return a.sec - b.sec })
	var b strings.Builder
	for _, p := range pts {
		fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=%s %s %d\n", p.host, cpuFields(p.idle), at(p.sec, time.Second))
	}
	return "input.lp", b.String()
}

// inputResets: info < 80 (reset > 85), warn < 60 (reset > 70), crit < 40
// (reset > 50). server1 climbs down and back up through every band;
// server2 jumps from CRIT straight to idle values between the bands.
func inputResets() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": {90, 78, 82, 55, 65, 72, 35, 45, 52, 62, 75, 84, 86, 90},
		"server2": {95, 30, 48, 66, 83, 88, 58, 90},
	})
}

// inputBatchAll: warn < 70, crit < 50, 10s steps, so 30s windows of three
// points: server1 has windows entirely CRIT, mixed CRIT and WARN, mixed
// with an OK point, and entirely WARN; server2 stays OK but for one CRIT
// point.
func inputBatchAll() (string, string) {
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": {90, 91, 92, 40, 45, 48, 45, 65, 40, 45, 95, 40, 65, 68, 60, 90, 91, 92, 93},
		"server2": {90, 91, 92, 93, 30, 95, 96, 97, 98, 99, 90, 91, 92, 93, 94, 95, 96, 97, 98},
	})
}

// inputDeadman: two hosts every 10s for five minutes; server2 is silent
// from 1m to 2m30s, server1 from 3m to 4m.
func inputDeadman() (string, string) {
	nan := math.NaN()
	s1, s2 := make([]float64, 31), make([]float64, 31)
	for i := range 31 {
		s1[i], s2[i] = 90+float64(i%5), 85+float64(i%3)
		if i >= 6 && i < 15 {
			s2[i] = nan
		}
		if i >= 18 && i < 24 {
			s1[i] = nan
		}
	}
	return "input.lp", sequences(10*time.Second, []string{"server1", "server2"}, map[string][]float64{
		"server1": s1, "server2": s2,
	})
}

// inputNodeDisk: disk usage of hosts a and b every 10s with a string
// state field. a lacks "used" once (step 7); b has a gap of four steps
// (4-7), an int "used" once (step 9, a type change), and a late point
// (step 11 is 5s before step 10).
func inputNodeDisk() (string, string) {
	used := map[string][]float64{
		"a": {40, 45, 52, 60, 58, 58, 70, math.NaN(), 65, 55, 48, 30, 35, 62},
		"b": {20, 22, 51, 53, -1, -1, -1, -1, 80, 55, 57, 40, 41, 41},
	}
	state := func(u float64) string {
		switch {
		case u < 50:
			return "ok"
		case u < 60:
			return "warn"
		}
		return "high"
	}
	var b strings.Builder
	for i := range 14 {
		for _, h := range []string{"a", "b"} {
			u := used[h][i]
			t := at(i, 10*time.Second)
			switch {
			case u == -1:
				continue
			case h == "b" && i == 11:
				t = at(10, 10*time.Second) - int64(5*time.Second)
			}
			switch {
			case math.IsNaN(u):
				fmt.Fprintf(&b, "disk,host=%s state=%q %d\n", h, "unknown", t)
			case h == "b" && i == 9:
				fmt.Fprintf(&b, "disk,host=%s used=%di,state=%q %d\n", h, int(u), state(u), t)
			default:
				fmt.Fprintf(&b, "disk,host=%s used=%s,state=%q %d\n", h, num(u), state(u), t)
			}
		}
	}
	return "input.lp", b.String()
}

// inputNodeJoin: per host a and b, every 10s, a cpu point, a mem point
// up to 400ms off the cpu time, a net point at the cpu time, and a core
// point per cpu (cpu0, cpu1) up to 300ms off. mem of b misses step 3, net
// of a misses step 4, cpu1 of a misses step 5, and cpu of b arrives late
// at step 6 (after mem and net of step 7).
func inputNodeJoin() (string, string) {
	var b strings.Builder
	type line struct {
		t    int64
		text string
	}
	var late *line
	for i := range 10 {
		base := at(i, 10*time.Second)
		for k, h := range []string{"a", "b"} {
			idle := 90 - float64(5*i+10*k)
			cpu := line{base, fmt.Sprintf("cpu,host=%s usage_idle=%s", h, num(idle))}
			if h == "b" && i == 6 {
				late = &cpu
			} else {
				fmt.Fprintf(&b, "%s %d\n", cpu.text, cpu.t)
			}
			if !(h == "b" && i == 3) {
				fmt.Fprintf(&b, "mem,host=%s used_percent=%s %d\n", h, num(30+float64(2*i+k)), base+int64((i%5)*100)*int64(time.Millisecond))
			}
			if !(h == "a" && i == 4) {
				fmt.Fprintf(&b, "net,host=%s bytes_recv=%di %d\n", h, 1000*(i+1)+k, base)
			}
			for c := range 2 {
				if h == "a" && i == 5 && c == 1 {
					continue
				}
				off := int64((i+c)%4*100) * int64(time.Millisecond)
				fmt.Fprintf(&b, "core,cpu=cpu%d,host=%s usage=%s %d\n", c, h, num(idle/2+float64(c)), base-off)
			}
		}
		if i == 7 && late != nil {
			fmt.Fprintf(&b, "%s %d\n", late.text, late.t)
		}
	}
	return "input.lp", b.String()
}

// inputNodeLoad: the queue length of apps api and shop every 10s. api's
// queue grows past what max allows, then drains; its point at step 6 has
// no queue field. shop's stays small (2 replicas, as the fake API starts).
func inputNodeLoad() (string, string) {
	api := []int{3, 9, 14, 30, 29, 12, -1, 5, 2, 1, 0, 0, 6, 2}
	var b strings.Builder
	for i, q := range api {
		t := at(i, 10*time.Second)
		if q < 0 {
			fmt.Fprintf(&b, "load,app=api workers=3i %d\n", t)
		} else {
			fmt.Fprintf(&b, "load,app=api queue=%d %d\n", q, t)
		}
		fmt.Fprintf(&b, "load,app=shop queue=%s %d\n", num(4+float64(i%3)/2), t)
	}
	return "input.lp", b.String()
}

// inputNodeFleet: 14 steps of 10s of two swarm services' connections (svc,
// service web and api) and two EC2 groups' cpu (asg, group front and
// back); -1 is a point without the field. One svc point has no service
// tag.
func inputNodeFleet() (string, string) {
	svc := map[string][]int{
		"web": {50, 150, 160, 170, 200, -1, 10, 5, 5, 10, 10, 0, 50, 0},
		"api": {10, 5, 500, 15, 15, 50, 120, 60, 60, 30, 250, 30, 30, 30},
	}
	asg := map[string][]int{
		"front": {30, 60, 90, 99, 130, 10, 0, -1, 40, 40, 80, 40, 40, 40},
		"back":  {45, 50, 80, 85, 20, 20, 20, 25, 30, 60, 70, 75, 20, 20},
	}
	var b strings.Builder
	for i := range 14 {
		t := at(i, 10*time.Second)
		for _, s := range []string{"web", "api"} {
			if c := svc[s][i]; c < 0 {
				fmt.Fprintf(&b, "svc,service=%s load=1 %d\n", s, t)
			} else {
				fmt.Fprintf(&b, "svc,service=%s conns=%d %d\n", s, c, t)
			}
		}
		if i == 4 {
			fmt.Fprintf(&b, "svc conns=300 %d\n", t)
		}
		for _, g := range []string{"front", "back"} {
			if c := asg[g][i]; c < 0 {
				fmt.Fprintf(&b, "asg,group=%s mem=70 %d\n", g, t)
			} else {
				fmt.Fprintf(&b, "asg,group=%s cpu=%d %d\n", g, c, t)
			}
		}
	}
	return "input.lp", b.String()
}

// inputNodeUDF: two hosts' cpu usage every 5s for 26 steps (four full 30s
// windows and one that is never closed), around 40 with spikes: host a
// at 15s, 100s and 105s, host b at 70s; b's first window has none.
func inputNodeUDF() (string, string) {
	r := rand.New(rand.NewPCG(6, 6))
	spikes := map[string]map[int]float64{
		"a": {3: 95, 20: 90, 21: 91},
		"b": {14: 2},
	}
	var b strings.Builder
	for i := range 26 {
		for _, h := range []string{"a", "b"} {
			v, ok := spikes[h][i]
			if !ok {
				v = 38 + r.Float64()*6
			}
			fmt.Fprintf(&b, "cpu,host=%s usage=%s %d\n", h, num(v), at(i, 5*time.Second))
		}
	}
	return "input.lp", b.String()
}

// inputNodeBarrierJoin: per host a and b, every 10s from 0s to 90s, a cpu,
// a mem and a net point, except that mem and net of b stop after 30s.
func inputNodeBarrierJoin() (string, string) {
	var b strings.Builder
	for i := range 10 {
		t := at(i, 10*time.Second)
		for _, h := range []string{"a", "b"} {
			fmt.Fprintf(&b, "cpu,host=%s usage=%d %d\n", h, 10+i, t)
			if h == "a" || i <= 3 {
				fmt.Fprintf(&b, "mem,host=%s used=%d %d\n", h, 50+i, t)
				fmt.Fprintf(&b, "net,host=%s bytes=%di %d\n", h, 1000*i, t)
			}
		}
	}
	return "input.lp", b.String()
}
