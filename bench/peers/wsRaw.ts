// Peer: a raw `ws` server, the ceiling. A socket's first frame names its room. POST /broadcast
// sends one prebuilt string to the room; POST /message stores the message with one INSERT, then
// sends it.
import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { insertMessage, readJson, type PostBody } from "./messageSql.js";

const rooms = new Map<string, Set<WebSocket>>();
const send = (room: string, data: string) => {
  for (const ws of rooms.get(room) ?? []) ws.send(data);
};

const server = createServer(async (req, res) => {
  if (req.method !== "POST") return void res.end("ok");
  const body = await readJson<PostBody & { room: string }>(req);
  if (req.url === "/broadcast") {
    send(body.room, JSON.stringify({ text: body.text }));
  } else {
    const row = await insertMessage(body);
    send(body.room, JSON.stringify({ message: { ...row, author: { id: body.authorId } } }));
  }
  res.end("ok");
});

new WebSocketServer({ server, path: "/ws" }).on("connection", (ws) => {
  ws.once("message", (room) => {
    const name = String(room);
    const members = rooms.get(name) ?? rooms.set(name, new Set()).get(name)!;
    members.add(ws);
    ws.once("close", () => members.delete(ws));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
