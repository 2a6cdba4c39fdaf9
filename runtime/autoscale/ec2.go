package autoscale

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// EC2 scales AWS EC2 Auto Scaling groups through the Auto Scaling query
// API of one [[ec2]] section's region, as Kapacitor's ec2 client does:
// DescribeAutoScalingGroups for the desired capacity, SetDesiredCapacity
// with HonorCooldown=false (the node keeps its own cooldowns). Requests
// are signed with AWS Signature Version 4.
type EC2 struct {
	endpoint string // https://autoscaling.REGION.amazonaws.com
	region   string
	creds    credentials
	client   *http.Client
	now      func() time.Time
}

type credentials struct{ accessKey, secretKey, token string }

// apiVersion is the Auto Scaling API version of the requests.
const apiVersion = "2011-01-01"

// NewEC2 returns the client of the [[ec2]] section whose id is cluster:
// region, access-key, secret-key. Without keys it takes the standard AWS
// environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN); AWS_ENDPOINT_URL_AUTO_SCALING or AWS_ENDPOINT_URL
// replace the regional endpoint, as in the AWS SDKs.
func NewEC2(cfg pipeline.Config, cluster string) (*EC2, error) {
	s, err := section(cfg, "ec2", cluster)
	if err != nil {
		return nil, err
	}
	e := &EC2{region: str(s, "region"), client: httpClient(nil), now: time.Now}
	if e.region == "" {
		return nil, errors.New("[[ec2]]: no region specified")
	}
	e.creds = credentials{accessKey: str(s, "access-key"), secretKey: str(s, "secret-key")}
	if e.creds.accessKey == "" {
		e.creds = credentials{os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")}
	}
	if e.creds.accessKey == "" || e.creds.secretKey == "" {
		return nil, errors.New("[[ec2]]: no access-key and secret-key, and no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	e.endpoint = "https://autoscaling." + e.region + ".amazonaws.com"
	for _, v := range []string{"AWS_ENDPOINT_URL_AUTO_SCALING", "AWS_ENDPOINT_URL"} {
		if u := os.Getenv(v); u != "" {
			e.endpoint = strings.TrimSuffix(u, "/")
			break
		}
	}
	return e, nil
}

// Replicas is the group's desired capacity.
func (e *EC2) Replicas(ctx context.Context, r Resource) (int, error) {
	var out struct {
		Groups []struct {
			Name            string `xml:"AutoScalingGroupName"`
			DesiredCapacity int    `xml:"DesiredCapacity"`
		} `xml:"DescribeAutoScalingGroupsResult>AutoScalingGroups>member"`
	}
	err := e.call(ctx, url.Values{
		"Action":                         {"DescribeAutoScalingGroups"},
		"AutoScalingGroupNames.member.1": {r.Name},
	}, &out)
	if err != nil {
		return 0, fmt.Errorf("failed to get ec2 autoscaleGroup for %q: %w", r.Name, err)
	}
	for _, g := range out.Groups {
		if g.Name == r.Name {
			return g.DesiredCapacity, nil
		}
	}
	return 0, fmt.Errorf("no autoscaling group %q in %s", r.Name, e.region)
}

// SetReplicas sets the group's desired capacity.
func (e *EC2) SetReplicas(ctx context.Context, r Resource, n int) error {
	err := e.call(ctx, url.Values{
		"Action":               {"SetDesiredCapacity"},
		"AutoScalingGroupName": {r.Name},
		"DesiredCapacity":      {strconv.Itoa(n)},
		"HonorCooldown":        {"false"},
	}, nil)
	if err != nil {
		return fmt.Errorf("failed to set desired capacity: %w", err)
	}
	return nil
}

// call posts a query API action and decodes its XML answer into out.
func (e *EC2) call(ctx context.Context, form url.Values, out any) error {
	form.Set("Version", apiVersion)
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.endpoint+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sign(req, []byte(body), e.creds, e.region, "autoscaling", e.now().UTC())
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var fail struct {
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if xml.Unmarshal(data, &fail) == nil && fail.Code != "" {
			return fmt.Errorf("%s: %s", fail.Code, fail.Message)
		}
		return fmt.Errorf("%s: %s", form.Get("Action"), resp.Status)
	}
	if out == nil {
		return nil
	}
	return xml.Unmarshal(data, out)
}
