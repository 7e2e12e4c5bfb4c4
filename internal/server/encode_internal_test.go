package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// encodeResponse writes every response byte for byte as json.Encoder writes it, whichever way it
// takes, and refuses data that is not JSON as the encoder does.
func TestEncodeResponseIsTheEncoders(t *testing.T) {
	for _, tc := range []struct {
		name string
		resp graphql.Response
	}{
		{"data", graphql.Response{Data: json.RawMessage(`{"meetings":{"edges":[{"node":{"id":"meeting:a","name":"Plenary – “Second” session","date":"2022-12-01"}}]}}`)}},
		{"data with HTML characters", graphql.Response{Data: json.RawMessage(`{"name":"<b>Tom & Jerry</b>"}`)}},
		{"data with line and paragraph separators", graphql.Response{Data: json.RawMessage("{\"a\":\"x\u2028y\",\"b\":\"z\u2029\"}")}},
		{"data of null", graphql.Response{Data: json.RawMessage(`null`)}},
		{"errors and data", graphql.Response{Data: json.RawMessage(`{"a":null}`), Errors: gqlerror.List{{Message: "no", Extensions: map[string]any{"code": "NOT_FOUND"}}}}},
		{"errors alone", graphql.Response{Errors: gqlerror.List{{Message: "bad"}}}},
		{"extensions", graphql.Response{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"cost": 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(response{Errors: tc.resp.Errors, Data: tc.resp.Data, Extensions: tc.resp.Extensions}); err != nil {
				t.Fatal(err)
			}
			got, err := encodeResponse(&tc.resp)
			if err != nil || !bytes.Equal(got, want.Bytes()) {
				t.Errorf("encodeResponse(%s) = %q, %v; want %q", tc.resp.Data, got, err, want.Bytes())
			}
		})
	}
	for _, data := range []string{`{"a":`, `{"a":1}}`, `{"a":"<"`} {
		if got, err := encodeResponse(&graphql.Response{Data: json.RawMessage(data)}); err == nil {
			t.Errorf("encodeResponse(%s) = %q, want an error", data, got)
		}
	}
}

// BenchmarkEncodeResponse writes a 40 KB answer of data alone, as the nested page's, with
// json.Encoder and with encodeResponse.
func BenchmarkEncodeResponse(b *testing.B) {
	node := `{"node":{"id":"meeting:abc-def-12","name":"Some Meeting of a Dialogue","date":"2022-12-01","attendances":[{"role":"LEAD","person":{"id":"person:x-y","name":"X Y","positions":[{"title":"Minister","organization":{"id":"organization:z","name":"Ministry of Z"}}]}}]}}`
	data := json.RawMessage(`{"meetings":{"edges":[` + strings.Repeat(node+",", 130) + node + `]}}`)
	b.Run("json.Encoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(response{Data: data}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodeResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encodeResponse(&graphql.Response{Data: data}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
