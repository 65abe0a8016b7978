// Preloaded into every benchmarked server (never into production): answers the harness's
// "memory" question over the IPC channel with RSS and heap measured after a full GC.
process.on("message", (message) => {
  if (message !== "memory") return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ type: "memory", rss, heapUsed });
});

// The harness owns this process: if the harness goes away (crash, Ctrl-C), so does the server.
process.on("disconnect", () => process.exit(0));
