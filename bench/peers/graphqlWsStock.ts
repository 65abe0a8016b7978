// Peer: stock graphql-ws on `ws` with graphql-js: roomEvents is executed once per subscriber per
// event. POST /publish stores the message with the same INSERT, then publishes it in process.
import { setMaxListeners } from "node:events";
import { createServer } from "node:http";
import { createPubSub } from "@graphql-yoga/subscription";
import { createSchema } from "graphql-yoga";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { insertMessage, readJson, type PostBody } from "./messageSql.js";

const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget); // one listener per subscriber is the point here
const pubsub = createPubSub<{ room: [string, unknown] }>({ eventTarget });

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type User { id: ID! displayName: String! }
    type Message { id: ID! text: String! createdAt: String! author: User! }
    type MessagePosted { message: Message! }
    type MemberJoined { user: User! }
    union RoomEvent = MessagePosted | MemberJoined
    type Query { ok: Boolean }
    type Subscription { roomEvents(room: String!): RoomEvent! }
  `,
  resolvers: {
    RoomEvent: { __resolveType: (event: { __typename: string }) => event.__typename },
    Message: { createdAt: (m: { createdAt: Date }) => m.createdAt.toISOString() },
    Subscription: {
      roomEvents: {
        subscribe: (_: unknown, { room }: { room: string }) => pubsub.subscribe("room", room),
        resolve: (e: unknown) => e,
      },
    },
  },
});

const server = createServer(async (req, res) => {
  if (req.method !== "POST") return void res.end("ok");
  const body = await readJson<PostBody & { room: string; displayName: string }>(req);
  const row = await insertMessage(body);
  pubsub.publish("room", body.room, {
    __typename: "MessagePosted",
    message: { ...row, author: { id: body.authorId, displayName: body.displayName } },
  });
  res.end("ok");
});
useServer({ schema }, new WebSocketServer({ server, path: "/graphql" }));
server.listen(Number(process.env.PORT), "127.0.0.1");
