package batch

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// recordedBatch is one batch of a recording, in Kapacitor's JSON.
type recordedBatch struct {
	Name   string            `json:"name"`
	TMax   time.Time         `json:"tmax"`
	ByName bool              `json:"byname"`
	Tags   map[string]string `json:"tags"`
	Points []struct {
		Fields map[string]any    `json:"fields"`
		Tags   map[string]string `json:"tags"`
		Time   time.Time         `json:"time"`
	} `json:"points"`
}

// Recorded is a batch read from a recording; ByName says the group
// includes the measurement.
type Recorded struct {
	pipeline.Batch
	ByName bool
}

// ReadRecording reads a batch recording: Kapacitor's .brpl zip archive,
// with entries "0", "1", ... holding the batches of each query, or a plain
// file of JSON batches (Kapacitor's test fixtures), which is query 0. It
// returns the batches of each query, in order. Batches with no points are
// skipped, as Kapacitor skips them.
func ReadRecording(path string) ([][]Recorded, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		bs, err := ReadBatches(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return [][]Recorded{bs}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	byIndex := map[int]*zip.File{}
	for _, f := range zr.File {
		i, err := strconv.Atoi(f.Name)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("%s: unexpected entry %q (want 0, 1, ...)", path, f.Name)
		}
		byIndex[i] = f
	}
	var out [][]Recorded
	for i := 0; i < len(byIndex); i++ {
		f, ok := byIndex[i]
		if !ok {
			return nil, fmt.Errorf("%s: entry %d is missing", path, i)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		bs, err := ReadBatches(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s entry %d: %w", path, i, err)
		}
		out = append(out, bs)
	}
	return out, nil
}

// ReadBatches reads a stream of JSON batches.
func ReadBatches(r io.Reader) ([]Recorded, error) {
	dec := json.NewDecoder(r)
	var out []Recorded
	for {
		var rb recordedBatch
		if err := dec.Decode(&rb); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(rb.Points) == 0 {
			continue
		}
		tags := sortedTags(rb.Tags)
		b := Recorded{ByName: rb.ByName, Batch: pipeline.Batch{Name: rb.Name, Tags: tags}}
		if !rb.TMax.IsZero() {
			b.TMax = rb.TMax.UnixNano()
		}
		for _, rp := range rb.Points {
			p := pipeline.Point{Name: rb.Name, Time: rp.Time.UnixNano(), Tags: tags}
			if rp.Tags != nil {
				p.Tags = sortedTags(rp.Tags)
			}
			for k, v := range rp.Fields {
				fv, ok, err := fieldValue(v)
				if err != nil {
					return nil, fmt.Errorf("field %s: %w", k, err)
				}
				if ok {
					p.Fields = append(p.Fields, pipeline.Field{Key: k, Value: fv})
				}
			}
			sort.Slice(p.Fields, func(a, b int) bool { return p.Fields[a].Key < p.Fields[b].Key })
			b.Points = append(b.Points, p)
		}
		out = append(out, b)
	}
}

func sortedTags(m map[string]string) []pipeline.Tag {
	tags := make([]pipeline.Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, pipeline.Tag{Key: k, Value: v})
	}
	sort.Slice(tags, func(a, b int) bool { return tags[a].Key < tags[b].Key })
	return tags
}

// Shift prepares the batches of one query for replay, as Kapacitor's
// batch replay does: unless recTime, every point time moves by the
// difference between start and the first point of the first batch; a
// batch's time becomes its last point's time when that is later. It
// returns the times to wait for before each batch (the last point times).
func Shift(bs []Recorded, start time.Time, recTime bool) []time.Time {
	var diff int64
	if !recTime && len(bs) > 0 && len(bs[0].Points) > 0 {
		diff = start.UnixNano() - bs[0].Points[0].Time
	}
	waits := make([]time.Time, len(bs))
	for i := range bs {
		b := &bs[i]
		var last int64
		for j := range b.Points {
			b.Points[j].Time += diff
			last = b.Points[j].Time
		}
		if b.TMax < last {
			b.TMax = last
		}
		waits[i] = time.Unix(0, last).UTC()
	}
	return waits
}
