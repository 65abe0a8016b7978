import type { IncomingMessage } from "node:http";

/**
 * The caller's address. X-Forwarded-For is believed only behind a trusted proxy (TRUST_PROXY),
 * and then only its last entry: the one our proxy appended. Earlier entries are written by the
 * client and could be anything.
 */
export function clientIpOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",");
    const last = hops
      .map((hop) => hop.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}
