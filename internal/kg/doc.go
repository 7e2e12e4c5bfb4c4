// Package kg is the domain of diplograph: the knowledge graph of officials, agencies, meetings,
// dialogues and initiatives, the citations that back every fact, the coded errors clients see, and
// the Store interface that every storage adapter (memstore, neo4jstore) implements.
//
// It also holds the pure functions around writes: import planning (plan.go), the search ranking
// (search.go) and the duplicate finder (duplicates.go: FindDuplicates scores, SearchDuplicates
// gets candidates through a store's search).
//
// kg imports no storage or transport technology. Adapters talk to each other only through these
// types, and internal/storetest holds the one conformance suite that keeps the stores honest.
package kg
