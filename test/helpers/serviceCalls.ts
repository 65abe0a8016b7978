// Counts every use of the running server's services (database client included), to prove that a
// request was refused before any resolver reached for data.
import type { TestServer } from "./server.js";

export function countServiceCalls(server: TestServer) {
  const services = server.app.services as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  const calls: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!service || typeof service !== "object") continue;
    originals.set(name, service);
    services[name] = new Proxy(service, {
      get(target, property) {
        calls.push(`${name}.${String(property)}`);
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
  return {
    calls,
    reset: () => void calls.splice(0),
    restore() {
      for (const [name, service] of originals) services[name] = service;
    },
  };
}
