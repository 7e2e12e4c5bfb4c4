package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/diplograph/diplograph/internal/kg"
)

// Codes of requests refused by the HTTP layer before any GraphQL runs. They sit beside the kg codes
// in extensions.code; gqlgen adds GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and
// PERSISTED_QUERY_NOT_FOUND.
const (
	CodeBadRequest           = "BAD_REQUEST"            // malformed body or parameters
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"     // a method other than GET and POST, or a mutation over GET
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" // a POST body that is not application/json
	CodeNotAcceptable        = "NOT_ACCEPTABLE"         // an Accept header that allows neither JSON media type
)

// The response media types of the GraphQL-over-HTTP spec.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// httpTransport serves GraphQL over HTTP as the GraphQL-over-HTTP spec (2025 draft) asks, where
// gqlgen's own GET and POST transports do not: the response media type is negotiated from Accept
// (application/graphql-response+json or application/json; 406 when neither is acceptable), GET
// runs queries only (405 for a mutation), a POST body must be application/json in UTF-8 (415
// otherwise), malformed bodies and parameters get 400, and a request error (parse, validation,
// variables, cost limits) gets 400 without a data entry under application/graphql-response+json
// and 200 under application/json. Every error it writes carries extensions.code.
type httpTransport struct {
	// maxTokens bounds the query document read back when a GET request fails validation, to tell
	// a mutation (405) from another invalid document.
	maxTokens int
	// maxErrors bounds the errors of one response (Limits.MaxErrors).
	maxErrors int
}

var _ graphql.Transport = httpTransport{}

// Supports accepts every GET and POST request that is not a protocol upgrade; the handler in
// front of the transport answers other methods.
func (httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

// Do serves one GraphQL request.
func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Add("Vary", "Accept")
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeErrorAs(w, r, mediaJSON, http.StatusNotAcceptable, CodeNotAcceptable,
			"the Accept header allows neither application/graphql-response+json nor application/json")
		return
	}
	rw := responder{w: w, r: r, media: media, maxErrors: t.maxErrors}

	start := graphql.Now()
	var params *graphql.RawParams
	var perr *paramError
	if r.Method == http.MethodGet {
		params, perr = getParams(r)
	} else {
		params, perr = postParams(r)
	}
	if perr != nil {
		rw.refuse(perr.status, perr.code, perr.message)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		rw.refuse(http.StatusBadRequest, CodeBadRequest, "the request has no query: send the GraphQL document in the `query` parameter")
		return
	}
	setOperation(r.Context(), params.OperationName)

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if r.Method == http.MethodGet && !t.isQuery(opCtx, params) {
		w.Header().Set("Allow", http.MethodPost)
		rw.refuse(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "GET requests may only run queries: send mutations with POST")
		return
	}
	if opCtx != nil && opCtx.Operation != nil {
		setOperation(ctx, opCtx.Operation.Name)
	}
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		rw.write(status, resp)
		return
	}
	handle, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := handle(ctx)
	if resp == nil {
		// The client went away before the response was made.
		return
	}
	status := http.StatusOK
	if len(resp.Data) == 0 && media == mediaGraphQLResponse {
		// No data entry at all: the operation could not start (a data entry of null is a 200).
		status = http.StatusInternalServerError
	}
	rw.write(status, resp)
}

// isQuery reports whether the request runs a query operation. When the document did not validate,
// it is parsed again (within the token limit) to find the operation's type, so that a mutation
// over GET is told apart from other invalid documents.
func (t httpTransport) isQuery(opCtx *graphql.OperationContext, params *graphql.RawParams) bool {
	if opCtx != nil && opCtx.Operation != nil {
		return opCtx.Operation.Operation == ast.Query
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, t.maxTokens)
	if err != nil || doc == nil {
		return true // a parse error: let it be reported as one
	}
	if op := doc.Operations.ForName(params.OperationName); op != nil {
		return op.Operation == ast.Query
	}
	return true
}

// paramError is a request refused before GraphQL runs.
type paramError struct {
	status        int
	code, message string
}

func badRequest(format string, args ...any) *paramError {
	return &paramError{http.StatusBadRequest, CodeBadRequest, fmt.Sprintf(format, args...)}
}

// getParams reads the GraphQL parameters of a GET request from its URL query.
func getParams(r *http.Request) (*graphql.RawParams, *paramError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the URL query is malformed: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if p.Variables, err = decodeObject(q.Get("variables")); err != nil {
		return nil, badRequest("the variables parameter must be a JSON object")
	}
	if p.Extensions, err = decodeObject(q.Get("extensions")); err != nil {
		return nil, badRequest("the extensions parameter must be a JSON object")
	}
	return p, nil
}

// postParams reads the GraphQL parameters of a POST request from its JSON body.
func postParams(r *http.Request) (*graphql.RawParams, *paramError) {
	ct := r.Header.Get("Content-Type")
	mt, ps, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != mediaJSON {
		return nil, &paramError{http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			"the request body must be application/json"}
	}
	if cs, ok := ps["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, &paramError{http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			"the request body must be encoded in UTF-8"}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &paramError{http.StatusRequestEntityTooLarge, kg.CodeCostLimit,
				fmt.Sprintf("the request body is larger than the limit of %d bytes", tooBig.Limit)}
		}
		return nil, badRequest("the request body could not be read")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, badRequest("the request body must be a JSON object with a `query` string")
	}
	p := &graphql.RawParams{}
	if err := decodeString(fields["query"], &p.Query); err != nil {
		return nil, badRequest("query must be a string")
	}
	if err := decodeString(fields["operationName"], &p.OperationName); err != nil {
		return nil, badRequest("operationName must be a string or null")
	}
	if p.Variables, err = decodeObject(string(fields["variables"])); err != nil {
		return nil, badRequest("variables must be a JSON object or null")
	}
	if p.Extensions, err = decodeObject(string(fields["extensions"])); err != nil {
		return nil, badRequest("extensions must be a JSON object or null")
	}
	return p, nil
}

// decodeString decodes a JSON string or null (or nothing) into s.
func decodeString(raw json.RawMessage, s *string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '"' {
		return errors.New("not a string")
	}
	return json.Unmarshal(raw, s)
}

// decodeObject decodes a JSON object or null (or nothing), keeping numbers as json.Number so that
// gqlgen coerces integers exactly.
func decodeObject(raw string) (map[string]any, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, errors.New("not an object")
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	return m, nil
}

// negotiate picks the response media type for an Accept header: application/json when the header
// is missing or only wildcards match (as the spec asks during its watershed period), the one with
// the higher quality when both are listed, application/graphql-response+json on a tie, and false
// when neither is acceptable.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	// Quality of each media type: explicit mention, else the best wildcard; -1 means not mentioned.
	gr, js, wild := -1.0, -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, ps, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := ps["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		switch mt {
		case mediaGraphQLResponse:
			gr = max(gr, q)
		case mediaJSON:
			js = max(js, q)
		case "*/*", "application/*":
			wild = max(wild, q)
		}
	}
	explicitGR := gr >= 0
	if gr < 0 {
		gr = wild
	}
	if js < 0 {
		js = wild
	}
	switch {
	case gr <= 0 && js <= 0:
		return "", false
	case gr > js || (gr == js && explicitGR):
		return mediaGraphQLResponse, true
	default:
		return mediaJSON, true
	}
}

// responder writes GraphQL responses in the negotiated media type.
type responder struct {
	w         http.ResponseWriter
	r         *http.Request
	media     string
	maxErrors int
}

// response is graphql.Response without the data entry when there is no data, as the spec asks of
// request errors.
type response struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func (rw responder) write(status int, resp *graphql.Response) {
	resp.Errors = capErrors(resp.Errors, rw.maxErrors)
	var codes []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
	}
	noteErrors(rw.r.Context(), codes...)
	body, err := encodeResponse(resp)
	if err != nil {
		// Only a resolver handing gqlgen invalid JSON gets here; report it without its details.
		rw.refuse(http.StatusInternalServerError, kg.CodeInternal, fmt.Sprintf("Internal error (request id %s)", RequestID(rw.r.Context())))
		return
	}
	rw.w.Header().Set("Content-Type", rw.media+"; charset=utf-8")
	rw.w.WriteHeader(status)
	_, _ = rw.w.Write(body)
}

// The two characters json.Encoder escapes for JavaScript, beside <, > and &.
var lineSeparator, paragraphSeparator = []byte("\u2028"), []byte("\u2029")

// encodeResponse returns the JSON of resp, as json.Encoder writes response. A response of data
// alone, the common one, is written around the data gqlgen made, once checked to be JSON: the
// encoder would copy it through its compacter, a tenth of a nested page's CPU, to escape <, > and
// & (and U+2028, U+2029) for HTML, so data holding one of them takes the encoder's way.
func encodeResponse(resp *graphql.Response) ([]byte, error) {
	if len(resp.Errors) == 0 && len(resp.Extensions) == 0 && len(resp.Data) > 0 &&
		!bytes.ContainsAny(resp.Data, "<>&") && !bytes.Contains(resp.Data, lineSeparator) &&
		!bytes.Contains(resp.Data, paragraphSeparator) && json.Valid(resp.Data) {
		body := make([]byte, 0, len(`{"data":}`)+len(resp.Data)+1)
		body = append(body, `{"data":`...)
		body = append(body, resp.Data...)
		return append(body, "}\n"...), nil
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(response{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (rw responder) refuse(status int, code, message string) {
	writeErrorAs(rw.w, rw.r, rw.media, status, code, message)
}

// capErrors returns the first most of errs and, when there were more, one last error that says how
// many were cut, coded COST_LIMIT with extensions.limit "errors". most <= 0 keeps them all.
func capErrors(errs gqlerror.List, most int) gqlerror.List {
	if most <= 0 || len(errs) <= most {
		return errs
	}
	cut := len(errs) - most
	last := costError(LimitErrors, most, len(errs),
		fmt.Sprintf("%d more errors were left out: a response shows at most %d; fix these and send the query again", cut, most))
	return append(errs[:most:most], last)
}
