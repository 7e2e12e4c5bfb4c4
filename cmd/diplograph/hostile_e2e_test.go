package main

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesHugeHeaders sends a request whose headers are 200 KB: the server answers 431
// instead of holding them, and still serves normal requests.
func TestServeRefusesHugeHeaders(t *testing.T) {
	base, _ := serve(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir()})
	req, err := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 200<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET /healthz with 200 KB of headers = %d, want 431", res.StatusCode)
	}
	res, err = http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz afterwards = %d, want 200", res.StatusCode)
	}
}

// TestServeDropsSlowHeaders opens a connection that sends its request line and then one header
// byte at a time, slower than any client would (slowloris): the server closes it once the header
// timeout passes, while other requests are answered meanwhile.
func TestServeDropsSlowHeaders(t *testing.T) {
	base, _ := serve(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir()})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		// One byte a second until the server gives up on us; a generous bound ends the loop.
		for range 120 {
			if _, err := conn.Write([]byte("a")); err != nil {
				closed <- err
				return
			}
			time.Sleep(time.Second)
		}
		closed <- nil
	}()
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz while a slow client holds a connection: %v %v", err, res)
	}
	res.Body.Close()
	reply, readErr := bufio.NewReader(conn).ReadString('\n')
	if err := <-closed; err == nil {
		t.Fatalf("the server kept a connection that sent one header byte a second for two minutes (read %q, %v)", reply, readErr)
	}
}
