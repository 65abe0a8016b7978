// CSRF prevention for requests a browser sends without a CORS preflight. Form, multipart and
// text/plain POSTs must carry the CSRF header (yoga's plugin). A GET only runs queries (yoga refuses
// mutations over GET) and our tokens are never ambient (no cookies), so a plain GET from a
// non-browser client or the same origin is served; a GET that a browser marks as coming from
// another site (Sec-Fetch-Site, or a foreign Origin that CORS_ORIGINS does not list) must carry
// the header too.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import type { Plugin } from "graphql-yoga";
import { CSRF_HEADER } from "./useHttpRequestErrors.js";

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
      if (payload.request.method === "GET" && !isCrossSiteBrowserRequest(payload.request, trusted)) return;
      return yogaCsrf.onRequestParse?.(payload);
    },
  };
}
