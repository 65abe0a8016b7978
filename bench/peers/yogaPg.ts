// Peer: plain graphql-yoga with raw pg (no auth, limits, masking or metrics).
import { createServer } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";
import { createLoaders, resolvers, typeDefs } from "./eventsResolvers.js";

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  context: () => ({ loaders: createLoaders() }),
  logging: false,
});
createServer(yoga).listen(Number(process.env.PORT), "127.0.0.1");
