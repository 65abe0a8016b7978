// Prisma's schema engine (migrate/diff), WebAssembly build, driven through driver adapters:
// the native engine binary the Prisma CLI wants cannot be downloaded here.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type { SchemaEngine };

export type EngineTarget =
  | {
      kind: "pglite";
      pglite: PGlite;
      /** Shadow database for diffs from migrations; the caller owns (closes) what it returns. */
      shadow?: () => Promise<PGlite>;
    }
  | { kind: "postgres"; connectionString: string };

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

let engineClass: Promise<typeof bg.SchemaEngine> | undefined;

// Node cannot import a .wasm module, so the glue that `@prisma/schema-engine-wasm` would run
// on import is done by hand, once per process.
function loadSchemaEngine(): Promise<typeof bg.SchemaEngine> {
  engineClass ??= (async () => {
    const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(glue), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg.SchemaEngine;
  })();
  engineClass.catch(() => (engineClass = undefined));
  return engineClass;
}

/** Runs `fn` with a schema engine connected to `target`; every connection it opened is closed after. */
export async function withSchemaEngine<T>(
  target: EngineTarget,
  warn: (msg: string) => void,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadSchemaEngine();
  const { factory, disposeAll } = migrationFactory(target);
  try {
    const engine = await Engine.new({ datamodels: undefined }, engineLogger(warn), bindMigrationAwareSqlAdapterFactory(factory));
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    // On PostgreSQL this also ends the session holding the engine's own advisory lock
    // (it never unlocks it), so the next migrator is not blocked.
    await disposeAll();
  }
}

function engineLogger(warn: (msg: string) => void) {
  return (line: string) => {
    try {
      const event = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      if (event.level === "WARN" || event.level === "ERROR") warn(`schema engine: ${event.fields?.message ?? line}`);
    } catch {
      warn(`schema engine: ${line}`);
    }
  };
}

// The stock adapters are not fit to run migration scripts: pglite-prisma-adapter 0.7 does not
// await `exec` (errors escape as unhandled rejections, failures are recorded as success) and
// @prisma/adapter-pg splits scripts on every ";" (breaks string literals, DO blocks) and runs
// the pieces on whatever pooled connection is free. Both get a whole-script runner here.
function migrationFactory(target: EngineTarget) {
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return adapter;
  };
  const disposeAll = async () => {
    await Promise.allSettled(opened.map((a) => a.dispose()));
  };

  if (target.kind === "pglite") {
    const onPglite = async (db: PGlite, close?: () => Promise<void>) =>
      withScriptRunner(await new PrismaPGlite(db).connect(), (sql) => db.exec(sql), close);
    const factory: SqlMigrationAwareDriverAdapterFactory = {
      provider: "postgres",
      adapterName: "pglite-prisma-adapter",
      connect: async () => track(await onPglite(target.pglite)),
      connectToShadowDb: async () => {
        if (target.shadow) return track(await onPglite(await target.shadow()));
        const shadow = await PGlite.create();
        return track(await onPglite(shadow, () => shadow.close()));
      },
    };
    return { factory, disposeAll };
  }

  // One connection: the engine's statements and its session-level lock share one session.
  const pg = new PrismaPg({ connectionString: target.connectionString, max: 1 });
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: pg.adapterName,
    connect: async () => {
      const adapter = await pg.connect();
      const pool = adapter.underlyingDriver();
      return track(withScriptRunner(adapter, (sql) => pool.query(sql)));
    },
    connectToShadowDb: () => {
      throw new Error("diffs needing a shadow database run on PGlite, not PostgreSQL");
    },
  };
  return { factory, disposeAll };
}

function withScriptRunner(
  adapter: SqlDriverAdapter,
  runScript: (sql: string) => Promise<unknown>,
  afterDispose?: () => Promise<void>,
): SqlDriverAdapter {
  let disposed: Promise<void> | undefined;
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    executeScript: async (sql) => {
      try {
        await runScript(sql);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    dispose: () => (disposed ??= adapter.dispose().then(afterDispose)),
  };
}

interface PgErrorFields {
  code: string;
  severity: string;
  message: string;
  detail?: string;
  column?: string;
  hint?: string;
}

// pg and PGlite raise the same PostgreSQL error fields; as a DriverAdapterError the engine
// reports (and records in `_prisma_migrations.logs`) the database's own message.
function toAdapterError(error: unknown): unknown {
  const e = error as Partial<PgErrorFields>;
  if (typeof e?.code !== "string" || typeof e.message !== "string") return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: e.code,
    severity: e.severity ?? "ERROR",
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}
