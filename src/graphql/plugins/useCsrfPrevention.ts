// CSRF prevention for requests a browser sends without a CORS preflight. Form, multipart and
// text/plain POSTs must carry the CSRF header (yoga's plugin). A GET only runs queries (yoga refuses
// mutations over GET) and our tokens are never ambient (no cookies), so a plain GET from a
// non-browser client or the same origin is served; a GET that a browser marks as coming from
// another site (Sec-Fetch-Site, or a foreign Origin that CORS_ORIGINS does not list) must carry
// the header too.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import type { Plugin } from "graphql-yoga";
import { CSRF_HEADER } from "../csrfHeader.js";

function isCrossSiteBrowserRequest(request: Request, trustedOrigins: Set<string>): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return true;
  const origin = request.headers.get("origin");
  return origin !== null && origin !== new URL(request.url).origin && !trustedOrigins.has(origin);
}

export function useCsrfPrevention({ trustedOrigins }: { trustedOrigins: string[] }): Plugin {
  const yogaCsrf = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  const trusted = new Set(trustedOrigins);
  return {
    onRequestParse(payload) {
      const { method } = payload.request;
      // A browser sends other methods (PUT, DELETE…) cross-site only after a CORS preflight: no
      // forgery to prevent. They get yoga's 405 like any method it does not serve.
      if (method !== "GET" && method !== "POST" && method !== "HEAD") return;
      if (method === "GET" && !isCrossSiteBrowserRequest(payload.request, trusted)) return;
      return yogaCsrf.onRequestParse?.(payload);
    },
  };
}
