// The one INSERT the socket peers store a message with (same table and columns as ours).
import pg from "pg";

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

export interface PostBody {
  roomId: string;
  authorId: string;
  text: string;
}

export async function insertMessage({ roomId, authorId, text }: PostBody) {
  const { rows } = await pool.query<{ id: string; text: string; createdAt: Date }>(
    `INSERT INTO "Message" (id, "roomId", "authorId", text) VALUES (gen_random_uuid(), $1, $2, $3)
     RETURNING id, text, "createdAt"`,
    [roomId, authorId, text],
  );
  return rows[0]!;
}

export async function readJson<T>(req: AsyncIterable<Buffer>): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as T;
}
