package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/diplograph/diplograph/internal/kg"
)

// Analysts' statements run apart from the API's own queries, so that a runaway one cannot take
// the service down with it:
//
//   - they use a driver of their own, whose pool holds Config.CypherConcurrency connections, so
//     they never wait for, or take, the connections the API's reads and /readyz use;
//   - at most CypherConcurrency of them run in Neo4j at once (the slots). A statement that ended
//     on the client's side without Neo4j saying it ended (the client's deadline, a canceled
//     request, a lost connection) keeps its slot until Neo4j no longer lists its transaction:
//     Neo4j only stops a transaction between rows, so a statement can outlive its timeout, and
//     a new one must not pile onto the Neo4j threads it still holds;
//   - a statement that finds every slot taken waits at most slotWait, then fails with
//     CodeCypherBusy.

// DefaultCypherConcurrency is how many analyst statements may run in Neo4j at once: one Neo4j
// thread (about one core) each, so a 2-core Neo4j keeps a core for the API.
const DefaultCypherConcurrency = 1

// slotWait is how long a statement waits for a slot before CodeCypherBusy.
const slotWait = 2 * time.Second

// lingerPoll is how often a held slot asks Neo4j whether its transaction has ended.
const lingerPoll = 500 * time.Millisecond

// lingeringQuery counts the transactions of one analyst statement that Neo4j still holds.
const lingeringQuery = `
SHOW TRANSACTIONS YIELD transactionId, metaData
WHERE metaData.statement = $statement
RETURN count(transactionId) AS n`

// openAnalystDriver returns the driver analysts' statements use: the store's URI and
// credentials, a pool of cfg.CypherConcurrency connections.
func openAnalystDriver(cfg Config, token neo4j.AuthToken) (neo4j.DriverWithContext, error) {
	return neo4j.NewDriverWithContext(cfg.URI, token, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
		c.MaxConnectionPoolSize = cfg.CypherConcurrency
	})
}

// acquireSlot takes an analyst slot, waiting at most slotWait (or until ctx ends); it fails with
// CodeCypherBusy.
func (s *Store) acquireSlot(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(slotWait)
	defer wait.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-wait.C:
	case <-ctx.Done():
	}
	return kg.Errorf(kg.CodeCypherBusy,
		"%d analyst statement(s) still run in Neo4j (one that timed out keeps its place until Neo4j has stopped it); "+
			"try again in a moment", cap(s.slots))
}

// releaseSlot gives the slot back.
func (s *Store) releaseSlot() { <-s.slots }

// releaseSlotWhenEnded gives the slot back once Neo4j no longer lists a transaction of the
// statement tagged id, asking every lingerPoll on the store's own driver. It gives up, and
// releases, when the store closes or Neo4j refuses to list transactions (a user without the
// right to): then the time limit is the only bound left.
func (s *Store) releaseSlotWhenEnded(id string) {
	defer s.releaseSlot()
	tick := time.NewTicker(lingerPoll)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ConnectTimeout)
		res, err := neo4j.ExecuteQuery(ctx, s.driver, lingeringQuery, map[string]any{"statement": id},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
		cancel()
		switch {
		case err == nil && len(res.Records) == 1 && res.Records[0].Values[0] == int64(0):
			return
		case err != nil && !unreachable(err) && ctx.Err() == nil:
			return // Neo4j answered, and will not list transactions to us
		}
		select {
		case <-s.done:
			return
		case <-tick.C:
		}
	}
}

// statementID returns a random tag that names one analyst statement in its transaction's
// metadata.
func statementID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return fmt.Sprintf("cypher-%s", hex.EncodeToString(b))
}

// maxAnswerBytes bounds the rows of one analyst statement that diplograph holds, as recordSize
// estimates them: 10,000 rows of a 100,000-element list each would otherwise be gigabytes in the
// API's memory.
const maxAnswerBytes = 32 << 20

// answerTooLarge is the error of a statement whose rows pass maxAnswerBytes.
func answerTooLarge() error {
	return kg.Errorf(kg.CodeCostLimit,
		"the answer is larger than %d MB: return fewer rows (LIMIT) or smaller values (aggregate, or size() instead of whole lists)",
		maxAnswerBytes>>20)
}

// recordSize estimates the memory that the driver values of one record take: 16 bytes a value,
// plus the length of strings and bytes, plus the properties of graph values.
func recordSize(values []any) int {
	n := 0
	for _, v := range values {
		n += valueSize(v)
	}
	return n
}

func valueSize(v any) int {
	switch x := v.(type) {
	case string:
		return 16 + len(x)
	case []byte:
		return 16 + len(x)
	case []any:
		return 16 + recordSize(x)
	case map[string]any:
		n := 16
		for k, e := range x {
			n += len(k) + valueSize(e)
		}
		return n
	case dbtype.Node:
		return 64 + valueSize(x.Props)
	case dbtype.Relationship:
		return 64 + valueSize(x.Props)
	case dbtype.Path:
		n := 16
		for _, node := range x.Nodes {
			n += valueSize(node)
		}
		for _, r := range x.Relationships {
			n += valueSize(r)
		}
		return n
	}
	return 16
}
