// Package alert is the runtime of TICKscript's |alert() node, faithful to
// Kapacitor 1.8's alert.go, alert/ and services/alert.
//
// Generated code calls it once per point (or batch) and alert node:
//
//	cur := g.alert.Level()                        // State, one per group
//	lvl := alert.DetermineLevel(&node.Config, cur, tester)
//	if fire, ev := g.alert.Update(lvl, t, &node.Config); fire {
//		d, err := node.Fire(ev, &alert.Input{...})   // templates, stats, topic, handlers
//		...                                         // forward the point, augmented with d
//	}
//
// The common case (an OK point that fires nothing) does not allocate.
// Templates are parsed once (NewTemplates) and rendered only for events;
// the alert JSON (Data.JSON) is encoded byte for byte as encoding/json
// encodes Kapacitor's alert.Data.
package alert
