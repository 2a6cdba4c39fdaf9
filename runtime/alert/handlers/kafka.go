package handlers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Defaults of a [[kafka]] section, as Kapacitor's services/kafka applies
// them.
const (
	DefaultKafkaID           = "default"
	DefaultKafkaTimeout      = 10 * time.Second
	DefaultKafkaBatchSize    = 100
	DefaultKafkaBatchTimeout = time.Second
)

// KafkaOptions are the .kafka() properties.
type KafkaOptions struct {
	Cluster              string // .cluster(): the id of a [[kafka]] section; "" means "default"
	Topic                string // .kafkaTopic()
	Template             string // .template(): the message; "" means the alert JSON
	PartitionAlgorithm   string // .partitionHashAlgorithm(): crc32 (""), murmur2 or fnv-1a
	DisablePartitionByID bool   // .disablePartitionById()
}

// Kafka writes each alert to a Kafka topic, as Kapacitor's kafka service
// does: the key is the alert ID, the value the alert data as JSON (or the
// .template() output), the partition a hash of the key.
type Kafka struct {
	Cluster string
	Topic   string

	client   *kgo.Client
	template *template.Template

	mu      sync.Mutex
	pending []error // errors of earlier asynchronous writes, not yet reported
}

// kafkaSection finds the [[kafka]] section whose id is id (an entry
// without an id has id "default").
func kafkaSection(cfg pipeline.Config, id string) (section, []string) {
	var all []map[string]any
	if ms, ok := cfg.(interface {
		Sections(name string) []map[string]any
	}); ok {
		all = ms.Sections("kafka")
	} else if cfg != nil {
		if s, ok := cfg.Section("kafka"); ok {
			all = []map[string]any{s}
		}
	}
	var ids []string
	for _, m := range all {
		s := section{name: "kafka", values: m, found: true}
		sid := s.str("id", DefaultKafkaID)
		if sid == id {
			return s, nil
		}
		ids = append(ids, strconv.Quote(sid))
	}
	return section{name: "kafka"}, ids
}

// NewKafka returns a .kafka() handler writing to the [[kafka]] cluster
// opts.Cluster: its brokers, timeout (10s), batch-size (100),
// batch-timeout (1s), use-ssl, ssl-ca, ssl-cert, ssl-key,
// insecure-skip-verify and sasl-* keys.
func NewKafka(cfg pipeline.Config, opts KafkaOptions) (*Kafka, error) {
	const name = "kafka"
	id := opts.Cluster
	if id == "" {
		id = DefaultKafkaID
	}
	s, ids := kafkaSection(cfg, id)
	if !s.found {
		have := ""
		if len(ids) > 0 {
			have = " (the configuration has ids " + strings.Join(ids, ", ") + ")"
		}
		return nil, fmt.Errorf("kafka handler: unknown cluster %q: add a [[kafka]] section with id = %q to the configuration (--config)%s", id, id, have)
	}
	if !s.boolean("enabled", true) {
		return nil, fmt.Errorf("kafka handler: the [[kafka]] section with id %q has enabled = false; set enabled = true", id)
	}
	where := fmt.Sprintf("[[kafka]] id %q", id)
	brokers := s.strings("brokers")
	if len(brokers) == 0 {
		if b := s.str("brokers", ""); b != "" {
			brokers = strings.Split(b, ",")
		}
	}
	if len(brokers) == 0 {
		return nil, fmt.Errorf("kafka handler: no brokers: set brokers = [\"host:9092\"] in the %s section of the configuration (--config)", where)
	}
	if opts.Topic == "" {
		return nil, fmt.Errorf("kafka handler: topic must not be empty: give .kafkaTopic() in the script")
	}
	timeout, err := kafkaDuration(s, where, "timeout", DefaultKafkaTimeout)
	if err != nil {
		return nil, err
	}
	batchTimeout, err := kafkaDuration(s, where, "batch-timeout", DefaultKafkaBatchTimeout)
	if err != nil {
		return nil, err
	}
	if _, err := kafkaInt(s, where, "batch-size", DefaultKafkaBatchSize); err != nil {
		return nil, err
	}

	kopts := []kgo.Opt{
		kgo.SeedBrokers(brokers...),
		kgo.ClientID(id),
		kgo.DefaultProduceTopic(opts.Topic),
		kgo.DialTimeout(timeout),
		kgo.RecordDeliveryTimeout(timeout),
		kgo.ProducerLinger(batchTimeout),
		// Kapacitor's producer (sarama's defaults) waits for the leader only.
		kgo.RequiredAcks(kgo.LeaderAck()),
		kgo.DisableIdempotentWrite(),
	}
	part, err := kafkaPartitioner(opts)
	if err != nil {
		return nil, err
	}
	kopts = append(kopts, kgo.RecordPartitioner(part))
	if s.boolean("use-ssl", false) {
		tc, err := kafkaTLS(s, where)
		if err != nil {
			return nil, err
		}
		kopts = append(kopts, kgo.DialTLSConfig(tc))
	}
	if o, err := kafkaSASL(s, where); err != nil {
		return nil, err
	} else if o != nil {
		kopts = append(kopts, o)
	}

	h := &Kafka{Cluster: id, Topic: opts.Topic}
	if opts.Template != "" {
		if h.template, err = parse(name, "message", opts.Template); err != nil {
			return nil, err
		}
	}
	if h.client, err = kgo.NewClient(kopts...); err != nil {
		return nil, fmt.Errorf("kafka handler: %s: %w", where, err)
	}
	return h, nil
}

func kafkaDuration(s section, where, key string, def time.Duration) (time.Duration, error) {
	var d time.Duration
	switch v := s.values[key].(type) {
	case nil:
	case string:
		if v != "" {
			var err error
			if d, err = time.ParseDuration(v); err != nil {
				return 0, fmt.Errorf("kafka handler: %s %s: %w", where, key, err)
			}
		}
	case int64:
		d = time.Duration(v)
	case time.Duration:
		d = v
	default:
		return 0, fmt.Errorf("kafka handler: %s %s: want a duration such as \"10s\", got %v", where, key, v)
	}
	if d <= 0 {
		d = def
	}
	return d, nil
}

func kafkaInt(s section, where, key string, def int) (int, error) {
	n := 0
	switch v := s.values[key].(type) {
	case nil:
	case int64:
		n = int(v)
	case int:
		n = v
	case float64:
		n = int(v)
	case string:
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return 0, fmt.Errorf("kafka handler: %s %s: %w", where, key, err)
		}
	default:
		return 0, fmt.Errorf("kafka handler: %s %s: want an integer, got %v", where, key, v)
	}
	if n <= 0 {
		n = def
	}
	return n, nil
}

// kafkaPartitioner returns the partitioner Kapacitor configures: with
// partitioning by ID, crc32 (the default), murmur2 (as Java's and
// kafka-go's) or fnv-1a (sarama's hash partitioner); with
// .disablePartitionById() sarama's default partitioner, which is the same
// fnv-1a hash of the key (the alert ID).
func kafkaPartitioner(opts KafkaOptions) (kgo.Partitioner, error) {
	var pick func(key []byte, n int) int
	algo := opts.PartitionAlgorithm
	if opts.DisablePartitionByID {
		algo = "fnv-1a"
	}
	switch algo {
	case "", "crc32":
		pick = func(key []byte, n int) int {
			if len(key) == 0 {
				return rand.IntN(n)
			}
			return int((crc32.ChecksumIEEE(key) % uint32(n)) & 0x7fffffff)
		}
	case "murmur2":
		pick = func(key []byte, n int) int {
			if key == nil {
				return rand.IntN(n)
			}
			return int((murmur2(key) & 0x7fffffff) % uint32(n))
		}
	case "fnv-1a":
		pick = func(key []byte, n int) int {
			if key == nil {
				return rand.IntN(n)
			}
			return fnv1aPartition(key, n)
		}
	default:
		return nil, fmt.Errorf("kafka handler: invalid partition algorithm: %q (want crc32, murmur2 or fnv-1a)", opts.PartitionAlgorithm)
	}
	return kgo.BasicConsistentPartitioner(func(string) func(*kgo.Record, int) int {
		return func(r *kgo.Record, n int) int { return pick(r.Key, n) }
	}), nil
}

// fnv1aPartition is sarama's hash partitioner: the 32-bit FNV-1a hash as
// a signed number, modulo n, made non-negative.
func fnv1aPartition(key []byte, n int) int {
	h := fnv.New32a()
	h.Write(key)
	p := int32(h.Sum32()) % int32(n)
	if p < 0 {
		p = -p
	}
	return int(p)
}

// murmur2 is the 32-bit MurmurHash2 of Java Kafka's Utils.murmur2 (seed
// 0x9747b28c).
func murmur2(data []byte) uint32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	n := len(data)
	h := seed ^ uint32(n)
	for len(data) >= 4 {
		k := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16 | uint32(data[3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
		data = data[4:]
	}
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}

func kafkaTLS(s section, where string) (*tls.Config, error) {
	tc := &tls.Config{InsecureSkipVerify: s.boolean("insecure-skip-verify", false)}
	if ca := s.str("ssl-ca", ""); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("kafka handler: %s ssl-ca: %w", where, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka handler: %s ssl-ca: no certificate in %s", where, ca)
		}
		tc.RootCAs = pool
	}
	cert, key := s.str("ssl-cert", ""), s.str("ssl-key", "")
	if cert != "" || key != "" {
		if cert == "" || key == "" {
			return nil, fmt.Errorf("kafka handler: %s: set both ssl-cert and ssl-key", where)
		}
		c, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("kafka handler: %s ssl-cert/ssl-key: %w", where, err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	return tc, nil
}

// kafkaSASL supports the sasl-username / sasl-password keys with
// sasl-mechanism PLAIN (the default), SCRAM-SHA-256 or SCRAM-SHA-512.
func kafkaSASL(s section, where string) (kgo.Opt, error) {
	user, pass := s.str("sasl-username", ""), s.str("sasl-password", "")
	mech := s.str("sasl-mechanism", "")
	if user == "" && pass == "" && mech == "" {
		return nil, nil
	}
	switch strings.ToUpper(mech) {
	case "", "PLAIN":
		return kgo.SASL(plain.Auth{User: user, Pass: pass}.AsMechanism()), nil
	case "SCRAM-SHA-256":
		return kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()), nil
	case "SCRAM-SHA-512":
		return kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()), nil
	}
	return nil, fmt.Errorf("kafka handler: %s sasl-mechanism %q is not supported by tickc (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are)", where, mech)
}

// Message returns the value written for d: the .template() output, or the
// alert data as JSON followed by a newline.
func (h *Kafka) Message(d *alert.Data) ([]byte, error) {
	if h.template == nil {
		return d.JSON()
	}
	out, err := execute(h.template, d.TemplateView())
	if err != nil {
		return nil, fmt.Errorf("kafka handler: failed to execute alert template: %w", err)
	}
	return []byte(out), nil
}

// Handle queues the alert for the topic; the write completes in the
// background, as Kapacitor's asynchronous producer does. Errors of earlier
// writes are returned by the next Handle (and by Flush and Close).
func (h *Kafka) Handle(d *alert.Data) error {
	value, err := h.Message(d)
	if err != nil {
		return err
	}
	// Copy: the JSON line is cached in d and must not be shared with the client.
	rec := &kgo.Record{Topic: h.Topic, Key: []byte(d.ID), Value: append([]byte(nil), value...)}
	h.client.Produce(context.Background(), rec, func(_ *kgo.Record, err error) {
		if err != nil {
			h.mu.Lock()
			h.pending = append(h.pending, err)
			h.mu.Unlock()
		}
	})
	return h.takeErrors()
}

func (h *Kafka) takeErrors() error {
	h.mu.Lock()
	errs := h.pending
	h.pending = nil
	h.mu.Unlock()
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("kafka handler: failed to write message to cluster %q topic %q: %w", h.Cluster, h.Topic, errors.Join(errs...))
}

// Flush waits until every queued alert is written or failed.
func (h *Kafka) Flush(ctx context.Context) error {
	if err := h.client.Flush(ctx); err != nil {
		return err
	}
	return h.takeErrors()
}

// Close writes what is queued (waiting at most the delivery timeout) and
// closes the connections.
func (h *Kafka) Close() error {
	err := h.Flush(context.Background())
	h.client.Close()
	return err
}
