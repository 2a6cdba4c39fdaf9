// Command agent is a UDF agent for package udf's tests. It speaks
// Kapacitor's UDF protocol with google.golang.org/protobuf's dynamic
// messages over the descriptor in udf.textproto, so that its encoding is
// independent of package udf's hand-written one.
//
//	agent -mode movingAvg            stream → stream: .field(string) .size(int) .as(string)
//	agent -mode outliers             batch → batch: .field(string) .scale(double)
//	agent -socket PATH               serve each connection on a unix socket
//	agent -crash-after N             exit with status 3 after N points
//	agent -hang-after N              stop answering after N points
//	agent -snapshot                  answer snapshot and restore requests
//	                                 (else they are ignored): movingAvg's
//	                                 windows, as JSON
package main

import (
	"bufio"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"sort"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

//go:embed udf.textproto
var descriptor []byte

var (
	mode            = flag.String("mode", "movingAvg", "movingAvg or outliers")
	socket          = flag.String("socket", "", "serve on this unix socket")
	crashAfter      = flag.Int("crash-after", -1, "exit after this many points")
	hangAfter       = flag.Int("hang-after", -1, "stop answering after this many points")
	answerSnapshots = flag.Bool("snapshot", false, "answer snapshot and restore requests")

	reqDesc, respDesc protoreflect.MessageDescriptor
)

func main() {
	flag.Parse()
	var fd descriptorpb.FileDescriptorProto
	if err := prototext.Unmarshal(descriptor, &fd); err != nil {
		panic(err)
	}
	file, err := protodesc.NewFile(&fd, nil)
	if err != nil {
		panic(err)
	}
	reqDesc = file.Messages().ByName("Request")
	respDesc = file.Messages().ByName("Response")
	if *socket == "" {
		serve(os.Stdin, os.Stdout)
		return
	}
	l, err := net.Listen("unix", *socket)
	if err != nil {
		panic(err)
	}
	for {
		conn, err := l.Accept()
		if err != nil {
			panic(err)
		}
		go func() {
			defer conn.Close()
			serve(conn, conn)
		}()
	}
}

// handler is one agent's state, for one node.
type handler struct {
	out    *bufio.Writer
	field  string
	as     string
	size   int64
	scale  float64
	points int
	// movingAvg: the last size values per group.
	windows map[string][]float64
	// outliers: the batch being received.
	begin protoreflect.Message
	batch []protoreflect.Message
}

func serve(in io.Reader, out io.Writer) {
	h := &handler{out: bufio.NewWriter(out), as: "avg", size: 1, scale: 1.5, windows: map[string][]float64{}}
	r := bufio.NewReader(in)
	var buf []byte
	for {
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return // input closed: Kapacitor stops the agent
		}
		if uint64(cap(buf)) < size {
			buf = make([]byte, size)
		}
		buf = buf[:size] // reused: proto.Unmarshal copies what it keeps
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		req := dynamicpb.NewMessage(reqDesc)
		if err := proto.Unmarshal(buf, req); err != nil {
			h.fail(err.Error())
			return
		}
		which := req.WhichOneof(reqDesc.Oneofs().ByName("message"))
		if which == nil {
			continue
		}
		h.handle(string(which.Name()), req.Get(which).Message())
		// Answers go out when no request is waiting: one write for many.
		if r.Buffered() > 0 {
			continue
		}
		if err := h.out.Flush(); err != nil {
			return
		}
	}
}

func (h *handler) handle(kind string, m protoreflect.Message) {
	switch kind {
	case "info":
		h.info()
	case "init":
		h.init(m)
	case "keepalive":
		h.send("keepalive", func(k protoreflect.Message) { set(k, "time", get(m, "time")) })
	case "point":
		h.points++
		if h.points == *crashAfter+1 {
			fmt.Fprintln(os.Stderr, "agent: crashing as asked")
			h.out.Flush()
			os.Exit(3)
		}
		if h.points == *hangAfter+1 {
			h.out.Flush()
			time.Sleep(time.Hour)
		}
		if *mode == "outliers" {
			h.batch = append(h.batch, m)
			return
		}
		h.movingAvg(m)
	case "begin":
		h.begin, h.batch = m, nil
	case "end":
		h.outliers(m)
	case "snapshot":
		if *answerSnapshots {
			h.snapshot()
		}
	case "restore":
		if *answerSnapshots {
			h.restore(get(m, "snapshot").Bytes())
		}
	}
}

func (h *handler) info() {
	h.send("info", func(info protoreflect.Message) {
		opts := map[string][]protoreflect.EnumNumber{"field": {3}}
		if *mode == "outliers" {
			set(info, "wants", protoreflect.ValueOfEnum(1))
			set(info, "provides", protoreflect.ValueOfEnum(1))
			opts["scale"] = []protoreflect.EnumNumber{2}
		} else {
			opts["size"] = []protoreflect.EnumNumber{1}
			opts["as"] = []protoreflect.EnumNumber{3}
		}
		fd := info.Descriptor().Fields().ByName("options")
		mp := info.Mutable(fd).Map()
		for name, types := range opts {
			oi := mp.NewValue()
			list := oi.Message().Mutable(oi.Message().Descriptor().Fields().ByName("valueTypes")).List()
			for _, t := range types {
				list.Append(protoreflect.ValueOfEnum(t))
			}
			mp.Set(protoreflect.ValueOfString(name).MapKey(), oi)
		}
	})
}

func (h *handler) init(m protoreflect.Message) {
	list := get(m, "options").List()
	for i := 0; i < list.Len(); i++ {
		o := list.Get(i).Message()
		v := get(o, "values").List().Get(0).Message()
		switch get(o, "name").String() {
		case "field":
			h.field = get(v, "stringValue").String()
		case "as":
			h.as = get(v, "stringValue").String()
		case "size":
			h.size = get(v, "intValue").Int()
		case "scale":
			h.scale = get(v, "doubleValue").Float()
		}
	}
	h.send("init", func(r protoreflect.Message) {
		switch {
		case h.field == "":
			set(r, "error", protoreflect.ValueOfString("field is required"))
		case h.size < 1:
			set(r, "error", protoreflect.ValueOfString(fmt.Sprintf("size must be at least 1, got %d", h.size)))
		default:
			set(r, "success", protoreflect.ValueOfBool(true))
		}
	})
}

// snapshot sends the windows of movingAvg: the state that makes its next
// averages.
func (h *handler) snapshot() {
	data, err := json.Marshal(h.windows)
	if err != nil {
		panic(err)
	}
	h.send("snapshot", func(r protoreflect.Message) { set(r, "snapshot", protoreflect.ValueOfBytes(data)) })
}

// restore takes back the windows a snapshot sent.
func (h *handler) restore(data []byte) {
	windows := map[string][]float64{}
	err := json.Unmarshal(data, &windows)
	h.send("restore", func(r protoreflect.Message) {
		if err != nil {
			set(r, "error", protoreflect.ValueOfString("bad snapshot: "+err.Error()))
			return
		}
		h.windows = windows
		set(r, "success", protoreflect.ValueOfBool(true))
	})
}

// movingAvg emits, once a group has size values, their mean as field as.
func (h *handler) movingAvg(p protoreflect.Message) {
	v, ok := doubleField(p, h.field)
	if !ok {
		h.fail("no float field " + h.field)
		return
	}
	group := get(p, "group").String()
	w := append(h.windows[group], v)
	if int64(len(w)) > h.size {
		w = w[1:]
	}
	h.windows[group] = w
	if int64(len(w)) < h.size {
		return
	}
	var sum float64
	for _, x := range w {
		sum += x
	}
	h.send("point", func(out protoreflect.Message) {
		for _, name := range []string{"time", "name", "database", "retentionPolicy", "group", "dimensions", "tags", "byName"} {
			set(out, name, get(p, name))
		}
		fd := out.Descriptor().Fields().ByName("fieldsDouble")
		out.Mutable(fd).Map().Set(protoreflect.ValueOfString(h.as).MapKey(), protoreflect.ValueOfFloat64(sum/float64(len(w))))
	})
}

// outliers emits the points of a batch whose field lies outside the
// interquartile range widened by scale, as Kapacitor's outliers example.
func (h *handler) outliers(end protoreflect.Message) {
	vals := make([]float64, 0, len(h.batch))
	for _, p := range h.batch {
		v, _ := doubleField(p, h.field)
		vals = append(vals, v)
	}
	sort.Float64s(vals)
	var lo, hi float64
	if n := len(vals); n > 0 {
		q1, q3 := vals[n/4], vals[(3*n)/4]
		iqr := q3 - q1
		lo, hi = q1-h.scale*iqr, q3+h.scale*iqr
	}
	h.send("begin", func(b protoreflect.Message) {
		for _, name := range []string{"name", "group", "tags", "byName"} {
			set(b, name, get(h.begin, name))
		}
	})
	for _, p := range h.batch {
		if v, _ := doubleField(p, h.field); v >= lo && v <= hi {
			continue
		}
		h.send("point", func(out protoreflect.Message) {
			for _, name := range []string{"time", "group", "tags", "fieldsDouble", "fieldsInt", "fieldsString", "fieldsBool"} {
				set(out, name, get(p, name))
			}
		})
	}
	h.send("end", func(e protoreflect.Message) {
		for _, name := range []string{"name", "group", "tmax", "tags", "byName"} {
			set(e, name, get(end, name))
		}
	})
	h.begin, h.batch = nil, nil
}

func (h *handler) fail(msg string) {
	h.send("error", func(e protoreflect.Message) { set(e, "error", protoreflect.ValueOfString(msg)) })
}

// send writes a Response whose oneof member kind fill sets.
func (h *handler) send(kind string, fill func(m protoreflect.Message)) {
	resp := dynamicpb.NewMessage(respDesc)
	fd := respDesc.Fields().ByName(protoreflect.Name(kind))
	fill(resp.Mutable(fd).Message())
	b, err := proto.Marshal(resp)
	if err != nil {
		panic(err)
	}
	h.out.Write(binary.AppendUvarint(nil, uint64(len(b))))
	h.out.Write(b)
}

func get(m protoreflect.Message, name string) protoreflect.Value {
	return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

// set copies v into the field; lists and maps are copied element by
// element, since a message's own list or map cannot be shared.
func set(m protoreflect.Message, name string, v protoreflect.Value) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	switch {
	case fd.IsList():
		dst := m.Mutable(fd).List()
		for i := 0; i < v.List().Len(); i++ {
			dst.Append(v.List().Get(i))
		}
	case fd.IsMap():
		dst := m.Mutable(fd).Map()
		v.Map().Range(func(k protoreflect.MapKey, x protoreflect.Value) bool {
			dst.Set(k, x)
			return true
		})
	default:
		m.Set(fd, v)
	}
}

func doubleField(p protoreflect.Message, name string) (float64, bool) {
	v := get(p, "fieldsDouble").Map().Get(protoreflect.ValueOfString(name).MapKey())
	if !v.IsValid() {
		return math.NaN(), false
	}
	return v.Float(), true
}
