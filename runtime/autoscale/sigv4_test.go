package autoscale

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The worked example of AWS's Signature Version 4 documentation: IAM
// ListUsers signed with the documentation's example keys.
func TestSignAWSExample(t *testing.T) {
	req, err := http.NewRequest("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	sign(req, nil, credentials{accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, "us-east-1", "iam", at)
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, " +
		"Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
	if got := req.Header.Get("X-Amz-Date"); got != "20150830T123600Z" {
		t.Errorf("X-Amz-Date %q", got)
	}
}

func TestSignSessionToken(t *testing.T) {
	req, _ := http.NewRequest("POST", "https://autoscaling.eu-west-1.amazonaws.com/", nil)
	sign(req, []byte("Action=X"), credentials{"AK", "SK", "TOKEN"}, "eu-west-1", "autoscaling", time.Unix(0, 0).UTC())
	if req.Header.Get("X-Amz-Security-Token") != "TOKEN" {
		t.Fatal("no security token header")
	}
	if a := req.Header.Get("Authorization"); !strings.Contains(a, "SignedHeaders=host;x-amz-date;x-amz-security-token,") ||
		!strings.Contains(a, "Credential=AK/19700101/eu-west-1/autoscaling/aws4_request") {
		t.Fatalf("Authorization %q", a)
	}
}
