// `npm run web`: bundles the page with esbuild (the kit from its TypeScript source, so no
// `npm run build -w client` is needed) and serves this folder on http://127.0.0.1:8000 (WEB_PORT,
// WEB_HOST), rebuilding on each request after a change. The page talks to API_URL (default
// http://localhost:4000/graphql): outside production the API allows any origin (CORS_ORIGINS).
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const KIT_SOURCE = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

export interface WebPageOptions {
  apiUrl: string;
  host?: string;
  /** Default: a free port, 8000–8999 preferred. */
  port?: number;
}

export interface WebPage {
  url: string;
  stop(): Promise<void>;
}

export async function startWebPage({ apiUrl, host = "127.0.0.1", port }: WebPageOptions): Promise<WebPage> {
  const context = await esbuild.context({
    entryPoints: { main: `${HERE}src/main.ts` },
    bundle: true,
    format: "esm",
    target: "es2022",
    sourcemap: true,
    outdir: HERE,
    // Served from memory: nothing is written into the source folder.
    write: false,
    alias: { "@mundo-tango/client": KIT_SOURCE },
    define: { API_URL: JSON.stringify(apiUrl) },
    logLevel: "warning",
  });
  const served = await context.serve({ servedir: HERE, host, port });
  return { url: `http://${host}:${served.port}/`, stop: () => context.dispose() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = await startWebPage({
    apiUrl: process.env.API_URL ?? "http://localhost:4000/graphql",
    host: process.env.WEB_HOST,
    port: process.env.WEB_PORT ? Number(process.env.WEB_PORT) : 8000,
  });
  console.log(
    `Mundo Tango web page on ${page.url} (API ${process.env.API_URL ?? "http://localhost:4000/graphql"}); Ctrl-C stops it.`,
  );
}
