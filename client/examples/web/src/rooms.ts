// The rooms list; the open room is kept in the address (#room=slug) so a reload reopens it.
import type { Session } from "@mundo-tango/client";
import { byId, el, showError } from "./dom.js";
import { RoomsDocument } from "./operations.js";

export function mountRooms(session: Session, open: (slug: string) => Promise<void>): { reload(): Promise<void> } {
  const list = byId("room-list");

  const enter = (slug: string) => {
    history.replaceState(null, "", `#room=${encodeURIComponent(slug)}`);
    open(slug).catch((error: Error) => showError(`Could not open the room: ${error.message}`));
  };

  return {
    async reload() {
      try {
        const { rooms } = await session.request(RoomsDocument, {});
        list.replaceChildren(
          ...rooms.map((room) => {
            const button = el("button", { type: "button", "data-room": room.slug }, room.name);
            button.addEventListener("click", () => enter(room.slug));
            return el("li", {}, button);
          }),
        );
      } catch (error) {
        showError(`Could not load rooms: ${error instanceof Error ? error.message : String(error)}`);
      }
      const remembered = new URLSearchParams(location.hash.slice(1)).get("room");
      if (remembered) enter(remembered);
    },
  };
}
