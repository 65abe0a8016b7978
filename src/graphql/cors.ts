// CORS for browsers on other origins. With CORS_ORIGINS set, only a listed origin gets CORS
// headers (its own value echoed back); any other origin gets none, so the browser withholds the
// response. With CORS_ORIGINS empty: any origin outside production (local front-end dev servers
// on any port), none in production (same-origin only).
// Credentials (cookies) are not allowed: the API authenticates with bearer tokens only.
import type { Plugin, YogaServerOptions } from "graphql-yoga";
import type { Config } from "../config/index.js";
import { CSRF_HEADER } from "./csrfHeader.js";

/** Request headers a browser client may send cross-origin (the CSRF header among them). */
export const CORS_ALLOWED_HEADERS = ["accept", "authorization", "content-type", "x-request-id", CSRF_HEADER];
export const CORS_EXPOSED_HEADERS = ["x-request-id", "x-response-time"];

type CorsOption = NonNullable<YogaServerOptions<object, object>["cors"]>;

export function corsOptions(config: Config): CorsOption {
  const allowed = new Set(config.http.corsOrigins);
  const allowAny = allowed.size === 0 && !config.isProduction;
  return (request: Request) => {
    const origin = request.headers.get("origin");
    if (!origin || !(allowAny || allowed.has(origin))) return false;
    return {
      origin: [origin],
      methods: ["GET", "POST", "OPTIONS"],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    };
  };
}

/** The CORS headers depend on the request's Origin: say so to caches on every response. */
export function useVaryOnOrigin(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get("vary");
      if (!vary?.split(",").some((v) => v.trim().toLowerCase() === "origin")) {
        response.headers.set("vary", vary ? `${vary}, Origin` : "Origin");
      }
    },
  };
}
