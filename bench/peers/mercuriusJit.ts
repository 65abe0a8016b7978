// Peer: fastify + mercurius with graphql-jit (every query compiled from its first run).
import Fastify from "fastify";
import mercurius, { type IResolvers } from "mercurius";
import { createLoaders, resolvers, typeDefs } from "./eventsResolvers.js";

const app = Fastify();
await app.register(mercurius, {
  schema: typeDefs,
  resolvers: resolvers as unknown as IResolvers,
  jit: 1,
  context: () => ({ loaders: createLoaders() }),
});
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
