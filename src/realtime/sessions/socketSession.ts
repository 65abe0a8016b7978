// One graphql-ws socket past connection_init: who it is signed in as (replaceable through
// authenticateConnection), the subscriptions it runs, whether it vanished (closed without a close
// frame: presence then waits PRESENCE_LEAVE_DELAY_MS before announcing its user gone), and its
// closing with 4403 when its access token expires or its user's access is revoked.
import type { Viewer } from "../../identity/viewer.js";
import { CLOSE_AUTH, TOKEN_EXPIRED_REASON } from "./closeCodes.js";
import type { AuthenticatedConnection } from "./connections.js";
import type { LiveSocket } from "./socket.js";

// setTimeout fires at once for delays over 2^31 - 1 ms (about 24.8 days): wait in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RunningSubscription {
  rootField: string;
  /**
   * The client's subscribe payload: graphql-ws reports each end with it, and only the run that
   * started with it may end its bookkeeping (a slot freed at the client's complete, see
   * forgetEnded, may hold a later run of the same id by the time the earlier one ends).
   */
  payload: object;
  requestId: string;
}

export class SocketSession implements AuthenticatedConnection {
  private current: Viewer | null;
  private expiry: NodeJS.Timeout | null = null;
  /** The running subscriptions by id. */
  private readonly subscriptions = new Map<string, RunningSubscription>();
  /** Set when the socket closed without a close frame (network loss, terminated as silent). */
  vanished = false;

  constructor(
    readonly socket: LiveSocket,
    viewer: Viewer | null,
    readonly clientIp: string,
  ) {
    this.current = viewer;
    this.scheduleExpiry();
  }

  get viewer(): Viewer | null {
    return this.current;
  }

  reauthenticate(viewer: Viewer): void {
    this.current = viewer;
    this.scheduleExpiry();
  }

  /** False when the socket already runs `max` subscriptions. */
  startSubscription(id: string, subscription: RunningSubscription, max: number): boolean {
    if (this.subscriptions.size >= max) return false;
    this.subscriptions.set(id, subscription);
    return true;
  }

  /** The request id of the running subscription `id`, for errors sent outside its execution. */
  requestIdOf(id: string): string | undefined {
    return this.subscriptions.get(id)?.requestId;
  }

  /** Adds this socket's running subscriptions to `counts`, by root field. */
  countSubscriptions(counts: Record<string, number>): void {
    for (const { rootField } of this.subscriptions.values()) counts[rootField] = (counts[rootField] ?? 0) + 1;
  }

  /**
   * Forgets subscriptions the client already completed although their teardown still runs, so
   * their slots are free at once; returns how many.
   */
  forgetEnded(isRunning: (id: string) => boolean): number {
    let ended = 0;
    for (const id of this.subscriptions.keys()) {
      if (isRunning(id)) continue;
      this.subscriptions.delete(id);
      ended += 1;
    }
    return ended;
  }

  /** True when the subscription `id` started with `payload` was still counted (then it no longer is). */
  endSubscription(id: string, payload: object): boolean {
    if (this.subscriptions.get(id)?.payload !== payload) return false;
    return this.subscriptions.delete(id);
  }

  /** Ends the bookkeeping at socket close; returns how many subscriptions were still counted. */
  dispose(): number {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const left = this.subscriptions.size;
    this.subscriptions.clear();
    return left;
  }

  closeForAuth(reason: string): void {
    this.socket.close(CLOSE_AUTH, reason);
  }

  private scheduleExpiry(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const viewer = this.current;
    if (!viewer) return;
    const wait = () => {
      const remaining = viewer.tokenExpiresAt.getTime() - Date.now();
      if (remaining <= 0) return this.closeForAuth(TOKEN_EXPIRED_REASON);
      this.expiry = setTimeout(wait, Math.min(remaining, MAX_TIMER_MS));
    };
    wait();
  }
}

/** The open sessions, and by user, to close them all when that user's access is revoked. */
export class SocketSessions {
  private readonly all = new Set<SocketSession>();
  private readonly byUser = new Map<string, Set<SocketSession>>();
  private whenEmpty: Promise<void> | null = null;
  private resolveEmpty: (() => void) | null = null;

  add(session: SocketSession): void {
    this.all.add(session);
    const userId = session.viewer?.id;
    if (!userId) return;
    let sessions = this.byUser.get(userId);
    if (!sessions) this.byUser.set(userId, (sessions = new Set()));
    sessions.add(session);
  }

  remove(session: SocketSession): void {
    this.all.delete(session);
    if (this.all.size === 0 && this.resolveEmpty) {
      this.resolveEmpty();
      this.whenEmpty = this.resolveEmpty = null;
    }
    const userId = session.viewer?.id;
    const sessions = userId ? this.byUser.get(userId) : undefined;
    if (!sessions) return;
    sessions.delete(session);
    if (sessions.size === 0) this.byUser.delete(userId!);
  }

  /** Resolves once no session is left (each removed when its socket's close handling is done). */
  emptied(): Promise<void> {
    if (this.all.size === 0) return Promise.resolve();
    return (this.whenEmpty ??= new Promise<void>((resolve) => (this.resolveEmpty = resolve)));
  }

  /** Running subscriptions by root field, over every open session; `fields` are listed even at 0. */
  subscriptionsByField(fields: readonly string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const field of fields) counts[field] = 0;
    for (const session of this.all) session.countSubscriptions(counts);
    return counts;
  }

  /** Closes (4403) the sockets of the user, or only those of one login session. */
  revoke(userId: string, sessionId?: string): void {
    for (const session of this.byUser.get(userId) ?? []) {
      if (!sessionId || session.viewer?.sessionId === sessionId) session.closeForAuth("Access revoked");
    }
  }
}
