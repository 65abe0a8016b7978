// Last-resort handlers for errors nothing else caught. Resolver and subscription errors never get
// here (graphql-js and graphql-ws catch them); these are bugs in our own background code.
// - An unhandled promise rejection leaves no shared state half-changed: it is logged and the
//   server keeps serving.
// - An uncaught exception may have interrupted synchronous code midway, so the process state is
//   no longer trustworthy (Node's own advice): it is logged as fatal and the server shuts down
//   gracefully with exit code 1, letting the supervisor start a fresh one.
import type { Logger } from "../logger.js";

export function installProcessGuards(logger: Logger, shutdown: (reason: string, exitCode: number) => void) {
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled promise rejection (logged; the server keeps serving)");
  });
  process.on("uncaughtException", (error, origin) => {
    logger.fatal({ err: error, origin }, "uncaught exception: shutting down gracefully, exit code 1");
    shutdown("uncaughtException", 1);
  });
}
