// Package window is the runtime of TICKscript's |window() node: it turns a
// stream of points into batches, per group, exactly as Kapacitor 1.8's
// window node does (window.go).
//
// # Time windows (.period(), .every(), .align(), .fillPeriod())
//
// Windows are driven by point time only, never by the wall clock. A group's
// window starts at the group's first point t0 (the first point of the group
// to reach this node). Its first emit time is
//
//	t0+every                      by default
//	trunc(t0+every, every)        with .align()
//	t0+period                     with .fillPeriod()
//	trunc(t0+period, every)       with .fillPeriod().align(), plus every if
//	                              that is not after t0+period
//
// where trunc rounds down to a multiple of every counted from Go's zero time
// (time.Time.Truncate), which for every dividing a day is the same as
// counting from the Unix epoch.
//
// With every > 0, a point whose time is at or after the emit time E first
// emits the buffered points whose time is in [E-period, E), as a batch whose
// time (TMax) is E; then the next emit time becomes p.time+every (aligned
// with .align()), counted from the point, not from E; only then is the
// point buffered. So a gap in the data produces one batch, not one per
// missed period. Points are dropped from the buffer only when a batch is
// emitted, so between emits the buffer also holds the points of the window
// emitted last: up to period+every of data.
//
// "Points in [E-period, E)" is exact for points that arrive in time order
// and most others. Kapacitor's buffer is a ring that drops points from its
// front while they are too old, and this package keeps the ring's indices
// as Kapacitor's slice would have them (its growth to 2*(n+1) slots
// included) so that the exceptions come out the same; the points
// themselves are kept in arrival order, since every purge drops the oldest
// ones, so the slots Kapacitor holds but no longer uses take no memory:
//
//   - A late point (earlier than the window) is buffered behind newer ones
//     and emitted with the next batch, unless it reaches the front of the
//     ring when a purge drops points.
//   - When a purge leaves the ring empty with its start at the end of the
//     slot array, the next purge drops nothing at all: a batch can then
//     contain points older than E-period, even with in-order data (for
//     example period 5s, every 10s, points at 0s 1s 10s 16s 20s: the batch
//     at 20s holds 10s and 16s).
//   - In a wrapped ring whose last array slot holds a point to drop, all
//     points from the ring's start to the end of the array are dropped
//     unseen, newer ones included (only with out-of-order data).
//
// With every == 0 every point is buffered first; a point at or after the
// emit time (the previous emitting point's time; with .fillPeriod(), the
// first t0+period) emits the points in (t-period, t] with TMax t.
//
// A batch may be empty: Kapacitor emits it, and so does this package.
// Partial windows are never flushed: when the task stops, whatever is
// buffered is dropped (Kapacitor's Done is a no-op).
//
// # Count windows (.periodCount(), .everyCount())
//
// The window holds the last periodCount points of the group in arrival
// order. The everyCount-th point (the periodCount-th with .fillPeriod()) and
// every everyCount points after it emit the held points; TMax is the time of
// the newest point.
//
// # Batches
//
// An emitted batch has the name of the group's first point, the group's
// tags, and one point per buffered point with its time, tags and fields (and
// the batch name and group). The batch and everything in it belong to the
// window node and are valid only during the emit call: a consumer that keeps
// any of it must copy it. A consumer may modify the batch's points in place
// (append included): each emit hands out fresh copies.
//
// The window keeps its own compact copy of each point (the caller reuses
// its point): the time and the numeric field values as words in one array
// per window, string values in another (only if there are any), and a
// shared immutable record of the tag set and of the field keys and kinds,
// shared by the whole node's points alike but for the values of their
// group's dimensions, which come from the group. A minute of 10 s points
// with three fields takes about 45 bytes a buffered point, the window's own
// memory included, tumbling (every 1m), and 54 sliding (every 10s) (go test
// -bench Memory ./bench). Steady-state Push allocates nothing.
package window
