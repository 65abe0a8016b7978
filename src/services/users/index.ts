// Users as the API shows them: every column but the password hash, which is never read for them.
import type { DirectSql } from "../../db/client.js";
import { Prisma, type User } from "../../generated/prisma/client.js";

export type PublicUser = Omit<User, "passwordHash">;

// Columns are named as the fields (the schema maps none), so a new column is picked up.
const PUBLIC_FIELDS = Object.values(Prisma.UserScalarFieldEnum).filter((field) => field !== "passwordHash");

/** The public columns of `alias`, each selected as `<prefix><field>`. */
export const publicUserColumns = (alias: string, prefix = "") =>
  Prisma.raw(PUBLIC_FIELDS.map((field) => `${alias}."${field}" AS "${prefix}${field}"`).join(", "));

const ALL_PUBLIC_COLUMNS = publicUserColumns("u");

export function createUserService({ sql }: { sql: DirectSql }) {
  return {
    /** The users with these ids, in no particular order (a loader sorts them); raw SQL, as this runs for most pages read. */
    byIds: (ids: readonly string[]) =>
      sql<PublicUser>(Prisma.sql`SELECT ${ALL_PUBLIC_COLUMNS} FROM "User" u WHERE u."id" = ANY(${[...ids]}::uuid[])`),
  };
}

export type UserService = ReturnType<typeof createUserService>;
