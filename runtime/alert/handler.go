package alert

// Handler handles the events of an alert node (Kapacitor's alert.Handler).
// Each handler of a node gets the node's events in order, on a goroutine of
// its own (queue.go), right after the event is collected by the node's
// topic; Handle must only read the event. An error does not stop the task:
// it is counted and logged, and a transient one is retried.
type Handler interface {
	Handle(d *Data) error
}
