package udf

import "github.com/tickc/tickc/runtime/pipeline"

// PointNode is implemented by the pointer of a node type of a Go UDF
// package (tickc build --udf): the exported struct type Scale becomes the
// node @scale(), and its options set the exported fields of TICKscript
// types (float64, int64, string, bool, time.Duration): .by(2.0) sets By.
//
// Point is called with each point of a stream, on the task's goroutine;
// emit passes a point on to the node's children, any number of times. The
// node may change p and emit it; it must Clone p to keep it beyond the
// call. An error drops the point and is counted and logged like a
// lambda's error.
type PointNode interface {
	Point(p *pipeline.Point, emit func(*pipeline.Point)) error
}

// BatchNode is PointNode for batches: the node wants and provides batches.
type BatchNode interface {
	Batch(b *pipeline.Batch, emit func(*pipeline.Batch)) error
}
