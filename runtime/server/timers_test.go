package server_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
	"github.com/tickc/tickc/runtime/timer"
)

// TestRunTimers fires a callback from the wall clock until Close.
func TestRunTimers(t *testing.T) {
	fake := servertest.New("timers", false)
	sched := timer.New(time.Now())
	env := &pipeline.Env{Timers: sched}
	var fired atomic.Int64
	env.Timers.Every(5*time.Millisecond, false, func(time.Time) { fired.Add(1) })
	inst, err := fake.Program.New(env)
	if err != nil {
		t.Fatal(err)
	}
	task := server.NewTask(&fake.Program, inst)
	task.RunTimers(sched)
	deadline := time.Now().Add(5 * time.Second)
	for fired.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := task.Close(); err != nil {
		t.Fatal(err)
	}
	if fired.Load() < 3 {
		t.Fatalf("fired %d times in 5s", fired.Load())
	}
}

// TestReplayTimers advances the timers to each delivered point's time.
func TestReplayTimers(t *testing.T) {
	fake := servertest.New("timers", false)
	sched := timer.New(time.Now())
	var fired []time.Time
	sched.Every(10*time.Second, false, func(now time.Time) { fired = append(fired, now) })
	inst, err := fake.Program.New(&pipeline.Env{Timers: sched})
	if err != nil {
		t.Fatal(err)
	}
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	task.ReplayTimers(sched)
	db, rp := fake.Program.DBRPs[0].DB, fake.Program.DBRPs[0].RP
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []int{0, 5, 25} {
		task.Deliver(db, rp, &pipeline.Point{Name: "m", Time: t0.Add(time.Duration(s) * time.Second).UnixNano()})
	}
	if len(fired) != 2 || !fired[0].Equal(t0.Add(10*time.Second)) || !fired[1].Equal(t0.Add(20*time.Second)) {
		t.Errorf("fired at %v", fired)
	}
}
