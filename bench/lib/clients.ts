// Socket clients the load side opens: graphql-ws (graphql-transport-ws protocol, written out so
// the client costs the same for every server) and raw ws. Each reports every text frame.
import WebSocket from "ws";

/** Gets each text frame as received (a Buffer: listeners search it without decoding). */
export type FrameListener = (data: Buffer) => void;

export interface OpenSocket {
  ws: WebSocket;
  close(): void;
}

function open(url: string, protocol: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** Connects, authenticates with connection_init and starts one subscription. */
export async function openGraphqlWsSubscriber(
  url: string,
  opts: { token?: string; query: string; variables?: Record<string, unknown>; onFrame: FrameListener },
): Promise<OpenSocket> {
  const ws = await open(url, "graphql-transport-ws");
  await new Promise<void>((resolve, reject) => {
    ws.on("message", function first(raw) {
      const message = JSON.parse(String(raw)) as { type: string };
      if (message.type !== "connection_ack") return reject(new Error(`expected connection_ack, got ${String(raw)}`));
      ws.off("message", first);
      resolve();
    });
    ws.once("close", (code, reason) => reject(new Error(`socket closed before ack: ${code} ${String(reason)}`)));
    ws.send(JSON.stringify({ type: "connection_init", payload: opts.token ? { authorization: `Bearer ${opts.token}` } : {} }));
  });
  ws.on("message", (raw: Buffer) => {
    if (raw.includes('"type":"ping"')) ws.send('{"type":"pong"}');
    else opts.onFrame(raw);
  });
  ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: opts.query, variables: opts.variables ?? {} } }));
  return { ws, close: () => ws.terminate() };
}

/** Raw peer protocol: the first frame names the room to join. */
export async function openRawSubscriber(url: string, room: string, onFrame: FrameListener): Promise<OpenSocket> {
  const ws = await open(url, undefined);
  ws.on("message", (raw: Buffer) => onFrame(raw));
  ws.send(room);
  return { ws, close: () => ws.terminate() };
}

/** Runs `count` opens with at most `concurrency` handshakes in flight. */
export async function openMany(count: number, concurrency: number, openOne: (i: number) => Promise<OpenSocket>) {
  const sockets: OpenSocket[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        sockets[i] = await openOne(i);
      }
    }),
  );
  return sockets;
}

export const closeAll = (sockets: OpenSocket[]) => {
  for (const s of sockets) s?.close();
};
