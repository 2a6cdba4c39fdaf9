package alert

// Handler handles the events of an alert node (Kapacitor's alert.Handler).
// Handlers run synchronously, in the order they were declared, right after
// the event is collected by the node's topic. An error does not stop the
// task: Kapacitor only logs it.
type Handler interface {
	Handle(d *Data) error
}
