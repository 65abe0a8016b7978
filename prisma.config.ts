// Prisma CLI configuration (Prisma 7). The server itself never reads this file: it migrates
// at boot through src/db/migrate.ts. It lets `prisma migrate deploy` agree with our layout
// wherever the native Prisma binary is available.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
