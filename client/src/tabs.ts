// What lets several tabs (or several sessions in one process) share one signed-in session: an
// exclusive lock around a refresh (Web Locks in browsers, an in-process lock elsewhere) and a
// BroadcastChannel telling the other tabs that the stored tokens changed.

/** The part of the Web Locks API the kit uses (navigator.locks fits). */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const processLocks = new Map<string, Promise<unknown>>();

/** A lock per name within this JavaScript realm: callers run one after the other. */
export const inProcessLocks: RefreshLocks = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const previous = processLocks.get(name) ?? Promise.resolve();
    const run = previous.then(callback, callback);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    processLocks.set(name, settled);
    void settled.then(() => {
      if (processLocks.get(name) === settled) processLocks.delete(name);
    });
    return run;
  },
};

/** navigator.locks where the platform has it (browsers), else the in-process lock. */
export function defaultLocks(): RefreshLocks {
  const locks = (
    globalThis as { navigator?: { locks?: { request: (name: string, callback: () => Promise<unknown>) => Promise<unknown> } } }
  ).navigator?.locks;
  if (locks && typeof locks.request === "function") {
    return { request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, callback) as Promise<T> };
  }
  return inProcessLocks;
}

export type TabMessage = { type: "tokens" } | { type: "signedOut" };

/** A BroadcastChannel where there is one; posting to a closed or absent channel does nothing. */
export function openTabChannel(
  name: string,
  onMessage: (message: TabMessage) => void,
): { post(message: TabMessage): void; close(): void } {
  if (typeof BroadcastChannel === "undefined") return { post: () => undefined, close: () => undefined };
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<TabMessage>) => onMessage(event.data);
  // Node: a channel must not keep the process alive on its own.
  (channel as { unref?: () => void }).unref?.();
  let open = true;
  return {
    post: (message) => {
      if (open) channel.postMessage(message);
    },
    close: () => {
      open = false;
      channel.close();
    },
  };
}
