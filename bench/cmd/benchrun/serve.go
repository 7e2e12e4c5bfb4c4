package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// serveEmbedded serves diplograph's HTTP API over the embedded store holding the generated graph
// of n entities: cmd/diplograph serves only the built-in dataset on the embedded store.
//
// The graph is generated and loaded in parts (memstore.LoadParts), so the process never holds the
// whole bundle: its peak is the graph plus one part. The times logged split the interleaved work:
// generating is the time spent making parts, loading the rest.
func serveEmbedded(addr string, n int) error {
	t0 := time.Now()
	var gen time.Duration
	parts := func(yield func(*kg.Bundle) bool) {
		mark := time.Now()
		for p := range graphgen.GenerateParts(n, loadPart) {
			gen += time.Since(mark)
			if !yield(p) {
				return
			}
			mark = time.Now()
		}
		gen += time.Since(mark)
	}
	s, err := memstore.LoadParts(parts)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, embeddedTimesFormat+"\n", gen.Seconds(), (time.Since(t0) - gen).Seconds())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &http.Server{Addr: addr, Handler: server.New(server.Config{}, s, log), ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintln(os.Stderr, "ready", addr)
	return srv.ListenAndServe()
}

// loadPart is the items of a part serve-embedded loads at a time: small beside the graph at M and
// L, large because each part costs CPU (the lists it touches sorted again; at 300k entities,
// parts of 30k, 100k and 300k items took 38.9, 35.6 and 30.9 s CPU, peak RSS 638, 662, 864 MB).
const loadPart = 500_000

// embeddedTimesFormat is the line serve-embedded logs its generation and load times with, in seconds.
const embeddedTimesFormat = "generated in %f s, loaded in %f s"

// handQueries are the hand-written Cypher statements of hand-cypher-http, one per request, keyed
// by query name. Each returns one row with one column, already shaped as the JSON answer.
var handQueries = map[string]string{
	"point": `
		MATCH (p:Person {id: $id})
		CALL (p) {
			OPTIONAL MATCH (p)-[h:HOLDS_POSITION]->(o:Organization)
			RETURN collect(CASE WHEN o IS NULL THEN null ELSE {title: h.title, organization: o{.id, .name}} END) AS positions
		}
		RETURN p{.id, .name, positions: positions} AS answer`,
	"nested": `
		MATCH (m:Meeting) WHERE m.date IS NOT NULL
		WITH m ORDER BY m.date ASC, m.id ASC LIMIT 20
		CALL (m) {
			OPTIONAL MATCH (m)-[:HELD_IN]->(pl:Place)
			OPTIONAL MATCH (m)-[:SESSION_OF]->(d:Dialogue)
			RETURN pl{.id, .name} AS place, d{.id, .name} AS dialogue
		}
		CALL (m) {
			OPTIONAL MATCH (p:Person)-[a:ATTENDED]->(m)
			CALL (p) {
				OPTIONAL MATCH (p)-[h:HOLDS_POSITION]->(o:Organization)
				RETURN collect(CASE WHEN o IS NULL THEN null ELSE {title: h.title, organization: o{.id, .name}} END) AS positions
			}
			RETURN collect(CASE WHEN p IS NULL THEN null ELSE {role: a.role, person: p{.id, .name, positions: positions}} END) AS attendances
		}
		CALL (m) {
			OPTIONAL MATCH (o:Organization)-[:REPRESENTED_AT]->(m)
			RETURN collect(CASE WHEN o IS NULL THEN null ELSE {organization: o{.id, .name}} END) AS representations
		}
		CALL (m) {
			OPTIONAL MATCH (m)-[r:ADOPTED|AFFIRMED|REVIEWED|ADVANCED|APPLAUDED]->(i:Initiative)
			RETURN collect(CASE WHEN i IS NULL THEN null ELSE {action: type(r), initiative: i{.id, .name}} END) AS outcomes
		}
		RETURN collect(m{.id, .name, .date, place: place, dialogue: dialogue, attendances: attendances,
			representations: representations, outcomes: outcomes}) AS answer`,
	// diplograph's shortestPath (maxHops 6): of the shortest paths, the first in path order (hop by
	// hop: the id of the entity reached, then the relation's type, start and end), as
	// neo4jstore.ShortestPath finds it, without its filters (no types, nothing avoided). No path:
	// no row, a null answer.
	"path": `
		MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
		MATCH p = ALL SHORTEST (a) (()-[r]-(x)){1,6} (b)
		WITH p ORDER BY [i IN range(0, length(p) - 1) | [
			nodes(p)[i + 1].id,
			type(relationships(p)[i]),
			startNode(relationships(p)[i]).id,
			endNode(relationships(p)[i]).id]]
		LIMIT 1
		RETURN {
			nodes: [n IN nodes(p) | {id: n.id}],
			relations: [r IN relationships(p) | {type: type(r), from: {id: startNode(r).id}, to: {id: endNode(r).id}}]
		} AS answer`,
	// diplograph's neighborhood (2 hops, at most 100 entities): the entity, then the entities in
	// reach nearest first, most connected first at a distance, then by id; and every relation
	// between two of them.
	"neighborhood": `
		MATCH (c:Entity {id: $id})
		CALL (c) {
			RETURN c AS n, 0 AS d
			UNION
			MATCH p = ANY SHORTEST (c) (()-[r]-(x)){1,2} (n)
			WHERE n <> c
			RETURN n, length(p) AS d
		}
		WITH n, d, COUNT { (n)--() } AS degree
		ORDER BY d, degree DESC, n.id
		LIMIT 100
		WITH collect(n) AS kept
		RETURN {
			nodes: [n IN kept | {id: n.id}],
			relations: COLLECT {
				UNWIND kept AS a
				MATCH (a)-[r]->(b)
				WHERE b IN kept
				RETURN {type: type(r), from: {id: a.id}, to: {id: b.id}}
			}
		} AS answer`,
}

// handRequest is the JSON body hand-cypher-http takes: a query name and its parameters.
type handRequest struct {
	Query  string         `json:"query"`
	Params map[string]any `json:"params"`
}

// serveHand serves hand-cypher-http: the floor of an HTTP API over Neo4j, one hand-written Cypher
// statement per request through the Go driver, answering {"data": <the statement's value>}.
func serveHand(addr, uri string) error {
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	h := func(w http.ResponseWriter, r *http.Request) {
		var req handRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		q, ok := handQueries[req.Query]
		if !ok {
			http.Error(w, "unknown query", http.StatusBadRequest)
			return
		}
		res, err := neo4j.ExecuteQuery(r.Context(), drv, q, req.Params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var answer any
		if len(res.Records) > 0 {
			answer = res.Records[0].Values[0]
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": answer})
	}
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(h), ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintln(os.Stderr, "ready", addr)
	return srv.ListenAndServe()
}
