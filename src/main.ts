// Entry point: `npm start`. Loads and validates configuration, starts the server, and shuts
// down gracefully on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from "./config/index.js";
import { createLogger } from "./logger.js";
import { startApp } from "./server/app.js";
import { installProcessGuards } from "./server/processGuards.js";

async function main() {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const logger = createLogger({
    level: config.log.level,
    pretty: config.log.format ? config.log.format === "pretty" : config.env === "development" && process.stdout.isTTY === true,
  });
  for (const warning of warnings) logger.warn(warning);

  const app = await startApp(config, logger);
  logger.info(
    { url: app.url, database: app.services.db.kind, redis: Boolean(config.redisUrl) },
    `Mundo Tango API ready at ${app.url}`,
  );

  let stopping = false;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown took too long, exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000);
    force.unref();
    await app.close();
    logger.info("bye");
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  installProcessGuards(logger, (reason, exitCode) => void stop(reason, exitCode));
}

main().catch((error) => {
  console.error("failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
