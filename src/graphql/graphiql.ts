// GraphiQL, served entirely by this server: @graphql-yoga/render-graphiql inlines GraphiQL's
// scripts, styles and editor workers into the page, so it needs no CDN (offline machines,
// restricted networks, strict proxies).
//
// Subscriptions in GraphiQL run over graphql-ws like any client's, and our socket authenticates
// from connectionParams when it opens. GraphiQL sends its Headers tab with each HTTP request but
// not on the socket, so the page is given a connectionParams function that reads the active
// tab's headers (e.g. {"Authorization": "Bearer <token>"}) from GraphiQL's storage.
import type { GraphiQLOptions } from "graphql-yoga";

const RENDER_CALL = "YogaGraphiQL.renderYogaGraphiQL(";

/** Runs in the browser: the active GraphiQL tab's headers as an object ({} when unset or invalid). */
const headersAsConnectionParams = `
  function graphiqlHeaders() {
    try {
      var tabs = JSON.parse(localStorage.getItem("graphiql:tabState") || "null");
      var tab = tabs && tabs.tabs && tabs.tabs[tabs.activeTabIndex];
      var text = (tab && tab.headers) || localStorage.getItem("graphiql:headers") || "{}";
      var headers = JSON.parse(text);
      return headers && typeof headers === "object" ? headers : {};
    } catch (error) {
      return {};
    }
  }
  function renderWithSocketHeaders(root, options) {
    return YogaGraphiQL.renderYogaGraphiQL(root, Object.assign({}, options, { connectionParams: graphiqlHeaders }));
  }
`;

async function render(options?: GraphiQLOptions): Promise<string> {
  // A 9 MB module: loaded on the first GraphiQL request, never in production.
  const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
  const page = renderGraphiQL(options);
  if (!page.includes(RENDER_CALL)) {
    throw new Error("@graphql-yoga/render-graphiql changed its page: GraphiQL socket headers need updating");
  }
  const call = page.lastIndexOf(RENDER_CALL);
  return `${page.slice(0, call)}${headersAsConnectionParams}\nrenderWithSocketHeaders(${page.slice(call + RENDER_CALL.length)}`;
}

// The page is about 9 MB and the options never change while the server runs: build it once.
const pages = new Map<string, Promise<string>>();

export function renderOfflineGraphiQL(options?: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options ?? {});
  let page = pages.get(key);
  if (!page) {
    page = render(options);
    pages.set(key, page);
    page.catch(() => pages.delete(key));
  }
  return page;
}
