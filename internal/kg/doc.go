// Package kg is the domain of diplograph: the knowledge graph of officials, agencies, meetings,
// dialogues and initiatives, the citations that back every fact, the coded errors clients see, and
// the Store interface that every storage adapter (memstore, neo4jstore) implements.
//
// kg imports no storage or transport technology. Adapters talk to each other only through these
// types, and internal/storetest holds the one conformance suite that keeps the stores honest.
package kg
