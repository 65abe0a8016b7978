// Debian's headless Chromium for the browser tests (driven by playwright-core): where it is, the
// flags it runs with here (no sandbox, GPU, QUIC or background traffic), and where screenshots go.
// Without a Chromium binary (CHROMIUM_PATH, /usr/bin/chromium) the browser tests are skipped.
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path): path is string => Boolean(path && existsSync(path)),
);

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Screenshots of browser tests (not committed; CI keeps them as artifacts). */
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

/** Says once why the browser tests of `what` are skipped. */
export function warnIfNoChromium(what: string): void {
  if (!CHROMIUM) console.warn(`Chromium not found (set CHROMIUM_PATH, or \`apt-get install -y chromium\`): ${what} are skipped.`);
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}
