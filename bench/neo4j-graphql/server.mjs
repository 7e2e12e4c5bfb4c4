// @neo4j/graphql 7 on Apollo Server 5 over the graph diplograph stores in Neo4j (labels, property
// names and relationship types as internal/neo4jstore writes them), for bench/cmd/benchrun.
// Environment: NEO4J_URI (bolt://...), PORT (HTTP port on 127.0.0.1).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  type HoldsPosition @relationshipProperties { title: String! }
  type Attended @relationshipProperties { role: String! }
  type Organization @node { id: ID! name: String! }
  type Place @node { id: ID! name: String! }
  type Dialogue @node { id: ID! name: String! }
  type Initiative @node { id: ID! name: String! }
  type Person @node {
    id: ID!
    name: String!
    positions: [Organization!]! @relationship(type: "HOLDS_POSITION", direction: OUT, properties: "HoldsPosition")
  }
  type Meeting @node {
    id: ID!
    name: String!
    date: String
    place: [Place!]! @relationship(type: "HELD_IN", direction: OUT)
    dialogue: [Dialogue!]! @relationship(type: "SESSION_OF", direction: OUT)
    attendees: [Person!]! @relationship(type: "ATTENDED", direction: IN, properties: "Attended")
    representedBy: [Organization!]! @relationship(type: "REPRESENTED_AT", direction: IN)
    adopted: [Initiative!]! @relationship(type: "ADOPTED", direction: OUT)
    affirmed: [Initiative!]! @relationship(type: "AFFIRMED", direction: OUT)
    reviewed: [Initiative!]! @relationship(type: "REVIEWED", direction: OUT)
    advanced: [Initiative!]! @relationship(type: "ADVANCED", direction: OUT)
    applauded: [Initiative!]! @relationship(type: "APPLAUDED", direction: OUT)
  }
`;

const driver = neo4j.driver(process.env.NEO4J_URI || "bolt://127.0.0.1:7751", neo4j.auth.basic("neo4j", "password"));
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT || 4000) },
});
console.log(`ready ${url}`);
