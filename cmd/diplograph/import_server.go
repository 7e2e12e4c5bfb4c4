package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// importServerQuery is the mutation import --server sends.
const importServerQuery = `mutation Import($b: JSON!, $dry: Boolean, $replace: Boolean) {
  importBundle(bundle: $b, dryRun: $dry, replace: $replace) {
    created updated unchanged errors { path message }
    duplicates { path id name existingId existing { name } score reason } duplicatesUnchecked
    disagreements { entity relation field values { value basis sources } }
  }
}`

// importToServer imports the bundle bundleJSON into the diplograph at server through its API (the
// importBundle mutation, with the editor key key), so that a running server's graph, which a data
// directory it holds cannot be written to meanwhile, can be extended from the command line; with
// dryRun it checks against what that server holds. The report is printed as a local import's.
func importToServer(ctx context.Context, server, key string, bundleJSON []byte, dryRun, replace bool, stdout io.Writer) error {
	if key == "" {
		return errors.New("--server needs an editor's API key: set DIPLOGRAPH_API_KEY (or --api-key)")
	}
	if !json.Valid(bundleJSON) {
		return errors.New("the bundle is not valid JSON")
	}
	var out struct {
		ImportBundle *struct {
			Created, Updated, Unchanged int
			Errors                      []kg.Problem
			Duplicates                  []struct {
				Path, ID, Name, ExistingID, Reason string
				Existing                           *struct{ Name string }
				Score                              float64
			}
			DuplicatesUnchecked int
			Disagreements       []struct {
				Entity   string
				Relation *string
				Field    string
				Values   []struct {
					Value   any
					Basis   kg.Basis
					Sources []string
				}
			}
		} `json:"importBundle"`
	}
	vars := map[string]any{"b": json.RawMessage(bundleJSON), "dry": dryRun, "replace": replace}
	if err := callServer(ctx, server, key, "the import", importServerQuery, vars, &out); err != nil {
		return err
	}
	ib := out.ImportBundle
	if ib == nil {
		return fmt.Errorf("the server at %s answered without a report", server)
	}
	if len(ib.Errors) > 0 {
		return problemsError(ib.Errors)
	}
	rep := &kg.ImportReport{ImportStats: kg.ImportStats{Created: ib.Created, Updated: ib.Updated, Unchanged: ib.Unchanged},
		DuplicatesUnchecked: ib.DuplicatesUnchecked}
	for _, d := range ib.Duplicates {
		existing := kg.Duplicate{ID: d.ExistingID, Score: d.Score, Reason: d.Reason}
		if d.Existing != nil {
			existing.Name = d.Existing.Name
		}
		rep.Duplicates = append(rep.Duplicates, kg.PossibleDuplicate{Path: d.Path, ID: d.ID, Name: d.Name, Existing: existing})
	}
	for _, d := range ib.Disagreements {
		kd := kg.Disagreement{Entity: d.Entity, Field: d.Field}
		if d.Relation != nil {
			kd.Relation = *d.Relation
		}
		for _, v := range d.Values {
			kd.Values = append(kd.Values, kg.Value{Field: d.Field, Value: kg.NormalizeValue(v.Value), Basis: v.Basis, Sources: v.Sources})
		}
		rep.Disagreements = append(rep.Disagreements, kd)
	}
	return printReport(stdout, rep, "the server at "+server, dryRun)
}

// callServer posts one GraphQL operation (query, with vars) to the diplograph at server with
// the API key key and decodes the answer's data into data. A GraphQL error is returned with its
// message and code, what naming the operation ("the import").
func callServer(ctx context.Context, server, key, what, query string, vars map[string]any, data any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	url := strings.TrimRight(server, "/") + "/graphql"
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--server %q: %w", server, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the server at %s: %w", url, err)
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return fmt.Errorf("the server at %s answered %s, not a GraphQL response", url, res.Status)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("the server at %s refused %s: %s (%s)", url, what, out.Errors[0].Message, out.Errors[0].Extensions.Code)
	}
	if len(out.Data) == 0 {
		return fmt.Errorf("the server at %s answered %s without data", url, res.Status)
	}
	if err := json.Unmarshal(out.Data, data); err != nil {
		return fmt.Errorf("the server at %s answered %s with data that does not fit: %w", url, res.Status, err)
	}
	return nil
}

// readBundleBytes reads the bundle file path ("-": stdin) whole, as the server will decode it.
func readBundleBytes(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the bundle: %w", err)
	}
	return b, nil
}
