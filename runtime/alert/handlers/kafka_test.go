package handlers

import (
	"context"
	"hash/crc32"
	"hash/fnv"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/tickc/tickc/runtime/alert"
)

// Kapacitor's services/kafka hash tests: partitions of 1000 and Java
// Kafka's murmur2 values.
func TestKafkaPartitionHashes(t *testing.T) {
	cases := []struct {
		algo, key string
		n, want   int
	}{
		{"crc32", "hello", 1000, 870}, {"crc32", "hello2", 1000, 502}, {"crc32", "hello3", 1000, 592},
		{"crc32", "hello4", 1000, 787}, {"crc32", "hello5", 1000, 413}, {"crc32", "hello5", 1, 0},
		{"murmur2", "hello", 1000, 229}, {"murmur2", "hello2", 1000, 907}, {"murmur2", "hello3", 1000, 759},
		{"murmur2", "hello4", 1000, 299}, {"murmur2", "hello5", 1000, 841}, {"murmur2", "", 1000, 681},
	}
	for _, c := range cases {
		p, err := kafkaPartitioner(KafkaOptions{PartitionAlgorithm: c.algo})
		if err != nil {
			t.Fatal(err)
		}
		got := p.ForTopic("t").Partition(&kgo.Record{Key: []byte(c.key)}, c.n)
		if got != c.want {
			t.Errorf("%s(%q) %% %d = %d, want %d", c.algo, c.key, c.n, got, c.want)
		}
	}
	for data, want := range map[string]int32{"21": -973932308, "foobar": -790332482, "a-little-bit-long-string": -985981536,
		"a-little-bit-longer-string": -1486304829, "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971, "abc": 479470107} {
		if got := murmur2([]byte(data)); got != uint32(want) {
			t.Errorf("murmur2(%q) = %d, want %d", data, int32(got), want)
		}
	}
	if _, err := kafkaPartitioner(KafkaOptions{PartitionAlgorithm: "murmur3"}); err == nil {
		t.Error("murmur3 accepted")
	}
}

// expectedPartition computes the partition of key independently of the
// handler: crc32 and fnv-1a as Kapacitor (sarama) does.
func expectedPartition(algo, key string, n int) int {
	switch algo {
	case "murmur2":
		return int((murmur2([]byte(key)) & 0x7fffffff) % uint32(n))
	case "fnv-1a":
		h := fnv.New32a()
		h.Write([]byte(key))
		p := int32(h.Sum32()) % int32(n)
		if p < 0 {
			p = -p
		}
		return int(p)
	}
	return int(crc32.ChecksumIEEE([]byte(key)) % uint32(n))
}

func TestKafka(t *testing.T) {
	const parts = 7
	topics := []string{"alerts-crc32", "alerts-murmur2", "alerts-fnv-1a", "alerts-default", "alerts-tmpl"}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(parts, topics...),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) { return net.Listen(network, "127.0.0.1:0") }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cfg := conf{"kafka": {"enabled": true, "id": "main", "brokers": []any{c.ListenAddrs()[0]}, "batch-timeout": "1ms"}}

	cases := []struct {
		topic, algo, tmpl string
		disable           bool
		want              string // "" means the alert JSON
		wantAlgo          string
	}{
		{topic: "alerts-crc32", algo: "crc32", wantAlgo: "crc32"},
		{topic: "alerts-murmur2", algo: "murmur2", wantAlgo: "murmur2"},
		{topic: "alerts-fnv-1a", algo: "fnv-1a", wantAlgo: "fnv-1a"},
		// Kapacitor's producer keeps sarama's default partitioner, an fnv-1a hash of the key.
		{topic: "alerts-default", disable: true, wantAlgo: "fnv-1a"},
		{topic: "alerts-tmpl", tmpl: `{{.ID}} {{.Level}} {{(index .Data.Series 0).Name}}`, want: "cpu:nil CRITICAL cpu", wantAlgo: "crc32"},
	}
	for _, tc := range cases {
		h, err := NewKafka(cfg, KafkaOptions{Cluster: "main", Topic: tc.topic, PartitionAlgorithm: tc.algo, DisablePartitionByID: tc.disable, Template: tc.tmpl})
		if err != nil {
			t.Fatal(err)
		}
		ev := event(alert.Critical)
		want := tc.want
		if want == "" {
			line, _ := ev.JSON()
			want = string(line)
		}
		for _, id := range []string{"cpu:nil", "cpu:host=a", "mem:host=b,region=x"} {
			ev := event(alert.Critical)
			ev.ID = id
			if err := h.Handle(ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.Close(); err != nil {
			t.Fatalf("%s: %v", tc.topic, err)
		}

		cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics(tc.topic),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var recs []*kgo.Record
		for len(recs) < 3 && ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) { recs = append(recs, r) })
		}
		cancel()
		cl.Close()
		if len(recs) != 3 {
			t.Fatalf("%s: consumed %d records, want 3", tc.topic, len(recs))
		}
		for _, r := range recs {
			key := string(r.Key)
			if got := string(r.Value); !strings.Contains(tc.topic, "tmpl") && got != strings.Replace(want, `"id":"cpu:nil"`, `"id":`+strconvQuote(key), 1) {
				t.Errorf("%s: value\n got %s\nwant %s", tc.topic, got, want)
			} else if strings.Contains(tc.topic, "tmpl") && got != strings.Replace(want, "cpu:nil", key, 1) {
				t.Errorf("%s: value %q, want %q", tc.topic, got, want)
			}
			if p := expectedPartition(tc.wantAlgo, key, parts); int(r.Partition) != p {
				t.Errorf("%s: key %s in partition %d, want %d", tc.topic, key, r.Partition, p)
			}
		}
	}
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func TestKafkaConfigErrors(t *testing.T) {
	cases := []struct {
		cfg  conf
		opts KafkaOptions
		want string
	}{
		{conf{}, KafkaOptions{Topic: "t"}, `unknown cluster "default"`},
		{conf{"kafka": {"id": "a", "brokers": []any{"x:9092"}}}, KafkaOptions{Cluster: "b", Topic: "t"}, `ids "a"`},
		{conf{"kafka": {"brokers": []any{}}}, KafkaOptions{Topic: "t"}, "no brokers"},
		{conf{"kafka": {"enabled": false, "brokers": []any{"x:9092"}}}, KafkaOptions{Topic: "t"}, "enabled = false"},
		{conf{"kafka": {"brokers": []any{"x:9092"}}}, KafkaOptions{}, "kafkaTopic"},
		{conf{"kafka": {"brokers": []any{"x:9092"}, "timeout": "soon"}}, KafkaOptions{Topic: "t"}, "timeout"},
		{conf{"kafka": {"brokers": []any{"x:9092"}, "sasl-mechanism": "GSSAPI"}}, KafkaOptions{Topic: "t"}, "sasl-mechanism"},
	}
	for _, c := range cases {
		_, err := NewKafka(c.cfg, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %+v: error %v, want %q", c.cfg, c.opts, err, c.want)
		}
	}
}
