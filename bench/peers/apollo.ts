// Peer: @apollo/server (standalone, node http) with the same resolvers.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { createLoaders, resolvers, typeDefs } from "./eventsResolvers.js";

const server = new ApolloServer({ typeDefs, resolvers });
await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: "127.0.0.1" },
  context: async () => ({ loaders: createLoaders() }),
});
