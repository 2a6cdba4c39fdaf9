package server_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

func TestSideloadReload(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	inst, err := fake.Program.New(&pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	calls := 0
	var fail error
	h := server.New(task, server.Options{SideloadReload: func() error { calls++; return fail }})
	post := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/kapacitor/v1/sideload/reload", nil))
		return w
	}
	if w := post(); w.Code != http.StatusNoContent || calls != 1 {
		t.Errorf("reload: %d, %d calls", w.Code, calls)
	}
	fail = errors.New("bad file")
	if w := post(); w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "bad file") {
		t.Errorf("failed reload: %d %s", w.Code, w.Body)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/kapacitor/v1/sideload/reload", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("GET reload: %d", w.Code)
	}
	// Without a hook there is nothing to reload.
	w = httptest.NewRecorder()
	server.New(task, server.Options{}).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/kapacitor/v1/sideload/reload", nil))
	if w.Code != http.StatusNoContent {
		t.Errorf("no hook: %d", w.Code)
	}
}
