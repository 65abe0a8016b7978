// The online/offline indicator: the socket's state from the kit, and the browser's own idea of
// the network (an idle socket — no room open — says nothing about it).
import type { ConnectionStatus, Realtime } from "@mundo-tango/client";
import { byId } from "./dom.js";

type Shown = "online" | "connecting" | "offline";

function shown(status: ConnectionStatus): Shown {
  if (!navigator.onLine) return "offline";
  if (status === "connected" || status === "idle") return "online";
  if (status === "connecting" || status === "reconnecting") return "connecting";
  return "offline";
}

export function mountStatus(realtime: Realtime): void {
  const indicator = byId("status");
  const render = () => {
    const value = shown(realtime.status);
    indicator.dataset.status = value;
    indicator.textContent = value;
  };
  realtime.on("status", render);
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  render();
}
