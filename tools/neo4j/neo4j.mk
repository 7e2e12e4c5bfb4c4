# Makefile fragment: embedded Neo4j Community 5.26 for local tests / CI.
# Usage from the main Makefile:  include tools/neo4j/neo4j.mk
#   make neo4j-start [NEO4J_PORT=7688]   # prints bolt://127.0.0.1:PORT as its last line
#   make neo4j-stop  [NEO4J_PORT=7688]
#   NEO4J_AUTH=neo4j/PASSWORD (default neo4j/password) or none (auth off), as for the Docker image
NEO4J_PORT ?= 7687
NEO4J_AUTH ?= neo4j/password
NEO4J_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

.PHONY: neo4j-start neo4j-stop

neo4j-start:
	@NEO4J_PORT=$(NEO4J_PORT) NEO4J_AUTH='$(NEO4J_AUTH)' bash $(NEO4J_MK_DIR)/start.sh

neo4j-stop:
	@NEO4J_PORT=$(NEO4J_PORT) bash $(NEO4J_MK_DIR)/stop.sh
