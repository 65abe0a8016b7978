// The events list, paged forward with first/after: "More events" appends the next page.
import type { Session } from "@mundo-tango/client";
import { byId, el, show, showError } from "./dom.js";
import { EventsDocument } from "./operations.js";

const PAGE_SIZE = 10;

export function mountEvents(session: Session): { reload(): Promise<void> } {
  const list = byId("event-list");
  const more = byId<HTMLButtonElement>("more-events");
  let after: string | null = null;

  async function loadPage() {
    more.disabled = true;
    try {
      const { events } = await session.request(EventsDocument, { first: PAGE_SIZE, after });
      for (const { node } of events.edges) {
        const when = new Date(node.startsAt).toLocaleString(undefined, {
          dateStyle: "medium",
          timeStyle: "short",
          timeZone: "UTC",
        });
        list.append(
          el(
            "li",
            { "data-id": node.id },
            el("strong", {}, node.title),
            ` · ${node.kind.toLowerCase()} · ${node.city} · ${when} UTC`,
          ),
        );
      }
      after = events.pageInfo.endCursor;
      show(more, events.pageInfo.hasNextPage);
    } catch (error) {
      showError(`Could not load events: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => void loadPage());
  return {
    reload() {
      list.replaceChildren();
      after = null;
      return loadPage();
    },
  };
}
