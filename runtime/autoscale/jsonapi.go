package autoscale

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// doJSON sends req to the JSON API called api (Kubernetes', Docker's) and
// decodes a 200 answer into into, unless it is nil, keeping the numbers
// of interface values as the server wrote them. Another status is an
// error, with the API's own message when the body has one: both APIs
// answer {"message": ...}. p names the request in errors.
func doJSON(client *http.Client, req *http.Request, api, p string, into any) error {
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s client request failed: %w", api, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) == nil && e.Message != "" {
			return fmt.Errorf("%s %s: %s", req.Method, p, e.Message)
		}
		return fmt.Errorf("%s %s: %s", req.Method, p, resp.Status)
	}
	if into == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, p, err)
	}
	return nil
}
