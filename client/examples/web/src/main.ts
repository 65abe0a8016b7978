// The page: one session (tokens in IndexedDB, shared with the other tabs) and one realtime
// socket from the kit; signed out shows the form, signed in the events, the rooms and the open
// room. API_URL is set when the page is bundled (serve.ts); ?api=… overrides it.
import { createRealtime, createSession } from "@mundo-tango/client";
import { mountAuth } from "./auth.js";
import { byId, show, showError } from "./dom.js";
import { mountEvents } from "./events.js";
import { mountRoom } from "./room.js";
import { mountRooms } from "./rooms.js";
import { mountStatus } from "./status.js";

declare const API_URL: string;

const session = createSession({ url: new URLSearchParams(location.search).get("api") ?? API_URL });
// A ping every 5 s answered within 3 s: a dead network (no close frame) shows within 8 s.
const realtime = createRealtime({ session, keepAliveMs: 5_000, pongTimeoutMs: 3_000 });

const auth = mountAuth(session);
const events = mountEvents(session);
const room = mountRoom(realtime);
const rooms = mountRooms(session, room.open);
mountStatus(realtime);

function render() {
  const user = session.user;
  show(byId("auth"), !user);
  show(byId("app"), Boolean(user));
  show(byId("sign-out"), Boolean(user));
  byId("whoami").textContent = user ? user.displayName : "";
}

async function signedIn() {
  showError(null);
  render();
  await Promise.all([events.reload(), rooms.reload()]);
}

let shownUserId: string | null = null;
session.on("tokens", (tokens) => {
  // A refresh brings new tokens for the same user: nothing to redraw.
  if (tokens.user.id === shownUserId) return;
  shownUserId = tokens.user.id;
  void signedIn();
});
session.on("signedOut", ({ reason }) => {
  shownUserId = null;
  room.close();
  auth.notice(reason);
  render();
});
realtime.on("problem", (problem) => showError(`Connection refused (${problem.closeCode}): ${problem.reason}`));
byId("sign-out").addEventListener("click", () => void session.logout());

await session.ready;
shownUserId = session.user?.id ?? null;
if (shownUserId) await signedIn();
else render();
