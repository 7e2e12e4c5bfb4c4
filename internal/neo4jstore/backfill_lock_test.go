package neo4jstore_test

import (
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/neo4jtest"
)

// TestBackfillsTakeTheChangeLogLock checks that each of EnsureSchema's backfills writes an
// entity's search properties and words only once it holds the change log's lock, as every other
// writer of search words does (a large import that did not commit drops the words it pre-wrote
// under that lock, trusting that no writer adds an entity's word without it). While a
// transaction of the test holds the lock, the backfill must wait with its data unwritten; once
// the lock is released it completes.
func TestBackfillsTakeTheChangeLogLock(t *testing.T) {
	cases := []struct {
		name    string
		owe     string // Cypher that makes the backfill owed
		pending string // Cypher counting what the backfill has still to write
	}{
		{"derived properties",
			`MATCH (n:Entity) WITH n ORDER BY n.id LIMIT 3 REMOVE n.searchOrder`,
			`MATCH (n:Entity) WHERE n.searchOrder IS NULL RETURN count(n) AS n`},
		{"titles",
			`MATCH (n:Person {id: 'person:ken-salazar'})
			 WITH n, split(n.searchText, '\n') AS lines
			 SET n.searchText = lines[0] + '\n' + lines[-1], n.searchKeys = [lines[0]]
			 WITH count(*) AS done
			 MATCH (l:ChangeLog) REMOVE l.searchTitles`,
			`MATCH (n:Person {id: 'person:ken-salazar'}) WHERE size(n.searchKeys) = 1 RETURN count(n) AS n`},
		{"search words",
			`MATCH (w:SearchWord) DELETE w
			 WITH count(*) AS done
			 MATCH (l:ChangeLog) REMOVE l.searchWords`,
			`MATCH (w:SearchWord) WITH count(w) AS words RETURN CASE WHEN words = 0 THEN 1 ELSE 0 END AS n`},
	}
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			s := neo4jtest.Store(t, b)
			if err := s.Exec(ctx, tc.owe, nil); err != nil {
				t.Fatal(err)
			}
			pending := func() int64 {
				t.Helper()
				rows, err := s.Query(ctx, tc.pending, nil)
				if err != nil {
					t.Fatal(err)
				}
				return rows[0]["n"].(int64)
			}
			if pending() == 0 {
				t.Fatal("nothing owed: the test's old state is wrong")
			}
			cfg := neo4jtest.Open(t)
			driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
			if err != nil {
				t.Fatal(err)
			}
			defer driver.Close(ctx)
			session := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
			defer session.Close(ctx)
			tx, err := session.BeginTransaction(ctx)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tx.Run(ctx, `MATCH (l:ChangeLog {id: 'changes'}) SET l.lockedAt = datetime()`, nil)
			if err == nil {
				_, err = res.Consume(ctx)
			}
			if err != nil {
				_ = tx.Rollback(ctx)
				t.Fatal(err)
			}

			done := make(chan error, 1)
			go func() { done <- s.Backfill(ctx) }()
			// Wait until a statement on the change log waits for the lock; the deadline only
			// bounds a broken run.
			blocked := false
			for deadline := time.Now().Add(2 * time.Minute); !blocked && time.Now().Before(deadline); {
				select {
				case err := <-done:
					_ = tx.Rollback(ctx)
					t.Fatalf("the backfill ended (%v) while the test held the change log's lock", err)
				case <-time.After(50 * time.Millisecond):
				}
				rows, err := neo4j.ExecuteQuery(ctx, driver, `
					SHOW TRANSACTIONS YIELD currentQuery, status
					WHERE status STARTS WITH 'Blocked' AND currentQuery CONTAINS 'ChangeLog'
					RETURN count(*) AS n`, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
				if err != nil {
					_ = tx.Rollback(ctx)
					t.Fatal(err)
				}
				n, _ := rows.Records[0].Get("n")
				blocked = n.(int64) > 0
			}
			if !blocked {
				_ = tx.Rollback(ctx)
				t.Fatal("the backfill never waited for the change log's lock")
			}
			if pending() == 0 {
				t.Errorf("the backfill wrote its data before it had the change log's lock")
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatalf("backfill after the lock was released: %v", err)
			}
			if n := pending(); n != 0 {
				t.Errorf("after the backfill %d items are still owed", n)
			}
			checkWords(t, s, "after the backfill")
		})
	}
}
