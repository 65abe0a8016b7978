// A room: its newest messages, then the kit's resumable stream from the last of them (each
// message once, in order, across drops), the members present (MemberJoined/MemberLeft), and a
// send box. A message being sent waits in the outbox list until the server stores it; the kit
// keeps it (and its clientMessageId) across reconnects and reloads, so it is stored once.
import type { Realtime, RoomEvent, RoomMessage, RoomStream } from "@mundo-tango/client";
import { byId, el, show, showError } from "./dom.js";
import { RoomDocument, type Member } from "./operations.js";

const HISTORY = 50;

export function mountRoom(realtime: Realtime): { open(slug: string): Promise<void>; close(): void } {
  const section = byId("room");
  const messages = byId("messages");
  const outbox = byId("outbox");
  const members = new Map<string, string>();
  let stream: RoomStream | null = null;
  let slug: string | null = null;

  const renderMembers = (count: number) => {
    byId("member-count").textContent = String(count);
    byId("member-list").replaceChildren(...[...members].map(([id, name]) => el("li", { "data-id": id }, name)));
  };

  const showMessage = (message: RoomMessage) => {
    if (message.clientMessageId) outbox.querySelector(`[data-client-id="${CSS.escape(message.clientMessageId)}"]`)?.remove();
    const time = new Date(message.createdAt).toLocaleTimeString();
    messages.append(
      el(
        "li",
        { "data-id": message.id },
        el("b", {}, message.author.displayName),
        " ",
        el("span", { class: "text" }, message.text),
        ` · ${time}`,
      ),
    );
    messages.scrollTop = messages.scrollHeight;
  };

  const onEvent = (event: RoomEvent) => {
    if (event.__typename === "MessagePosted") return showMessage(event.message);
    if (event.__typename === "MemberJoined") members.set(event.user.id, event.user.displayName);
    else members.delete(event.user.id);
    renderMembers(event.memberCount);
  };

  const pending = (text: string, clientMessageId?: string) =>
    el("li", clientMessageId ? { "data-client-id": clientMessageId } : {}, `${text} (sending…)`);

  realtime.on("receipt", (sent) => outbox.querySelector(`[data-client-id="${CSS.escape(sent.clientMessageId)}"]`)?.remove());
  realtime.on("sendFailed", ({ message, error }) => showError(`Not sent (${error.code}): ${message.text}`));

  byId<HTMLFormElement>("send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>("send-text");
    const text = input.value.trim();
    if (!text || !slug) return;
    input.value = "";
    const item = pending(text);
    outbox.append(item);
    realtime
      .sendMessage(slug, text)
      .catch((error: Error) => showError(`Not sent: ${error.message}`))
      .finally(() => item.remove());
  });

  function close() {
    stream?.dispose();
    stream = null;
    slug = null;
    show(section, false);
  }

  async function open(next: string) {
    close();
    slug = next;
    const { room } = await realtime.session.request(RoomDocument, { slug: next, last: HISTORY });
    if (!room || slug !== next) return;
    byId("room-name").textContent = room.name;
    members.clear();
    for (const member of room.members as Member[]) members.set(member.id, member.displayName);
    renderMembers(room.memberCount);
    messages.replaceChildren();
    outbox.replaceChildren(
      ...realtime
        .pendingMessages()
        .filter((m) => m.room === next)
        .map((m) => pending(m.text, m.clientMessageId)),
    );
    const history = room.messages.edges.map((edge) => edge.node);
    history.forEach(showMessage);
    stream = realtime.roomEvents(
      next,
      { next: onEvent, error: (error) => showError(`Room closed: ${error.message}`) },
      { since: history.at(-1)?.id ?? null },
    );
    show(section, true);
  }

  return { open, close };
}
