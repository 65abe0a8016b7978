// The signed-in session: register, login, logout, and a valid access token on demand. Tokens live
// in pluggable storage; the access token is refreshed ahead of its expiry (read from the JWT),
// once for all concurrent callers, without the expired Authorization header, and once across
// tabs (a lock, then a re-read of storage: a tab that lost the race takes the winner's tokens
// instead of spending a refresh token twice, which would revoke the session). When the server
// refuses the refresh, the app hears one "signedOut" event.
import { KitError } from "./errors.js";
import { Emitter } from "./emitter.js";
import {
  LoginDocument,
  LogoutDocument,
  RefreshDocument,
  RegisterDocument,
  type LoginInput,
  type RegisterInput,
  type SessionTokensFragment,
  type TypedDocumentString,
} from "./generated/operations.js";
import { postGraphQL, type Fetch, type HttpOptions } from "./http.js";
import { tokenTimes } from "./jwt.js";
import { defaultStorage, readJson, writeJson, type KeyValueStorage } from "./storage.js";
import { defaultLocks, openTabChannel, type RefreshLocks, type TabMessage } from "./tabs.js";

export type SessionTokens = SessionTokensFragment;
export type SessionUser = SessionTokens["user"];

/**
 * Why the session ended: the app called logout(); the server refused the refresh token (session
 * revoked, logged out elsewhere, expired, or a spent token reused); the account was disabled; or
 * another tab signed out.
 */
export type SignedOutReason = "logout" | "refresh-refused" | "account-disabled" | "other-tab";

export interface SessionEvents {
  [event: string]: unknown;
  /** New tokens: after login/register, a refresh here, or a refresh by another tab. */
  tokens: SessionTokens;
  signedOut: { reason: SignedOutReason; error?: KitError };
}

export interface SessionOptions {
  /** The HTTP GraphQL endpoint, e.g. https://api.example.org/graphql */
  url: string;
  /** Default: IndexedDB in browsers (database named storageKey), memory elsewhere. */
  storage?: KeyValueStorage;
  /** Prefix of the storage keys, the lock and the BroadcastChannel name. Default "mundo-tango". */
  storageKey?: string;
  /** Refresh this long before expiry, at most a third of the token's lifetime. Default 30 000. */
  refreshAheadMs?: number;
  /** Default: globalThis.fetch. */
  fetch?: Fetch;
  /** Extra headers on every HTTP request the kit makes. */
  headers?: () => Record<string, string>;
  /** Default: navigator.locks in browsers, an in-process lock elsewhere. */
  locks?: RefreshLocks;
}

const SIGNED_OUT_CODES: Record<string, SignedOutReason> = {
  INVALID_TOKEN: "refresh-refused",
  UNAUTHENTICATED: "refresh-refused",
  FORBIDDEN: "account-disabled",
};

export class Session {
  readonly storage: KeyValueStorage;
  readonly storageKey: string;
  readonly url: string;
  private readonly http: HttpOptions;
  private readonly locks: RefreshLocks;
  private readonly refreshAheadMs: number;
  private readonly events = new Emitter<SessionEvents>();
  private readonly tabs: ReturnType<typeof openTabChannel>;
  private tokens: SessionTokens | null = null;
  private refreshing: Promise<string> | null = null;
  /** Resolves once the stored session (if any) was loaded. */
  readonly ready: Promise<void>;

  constructor(options: SessionOptions) {
    this.url = options.url;
    this.storageKey = options.storageKey ?? "mundo-tango";
    this.storage = options.storage ?? defaultStorage(this.storageKey);
    this.refreshAheadMs = options.refreshAheadMs ?? 30_000;
    this.locks = options.locks ?? defaultLocks();
    this.http = {
      url: options.url,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      headers: options.headers,
    };
    this.tabs = openTabChannel(this.storageKey, (message) => void this.onTabMessage(message));
    this.ready = this.load().then((stored) => {
      this.tokens ??= stored;
    });
  }

  on<K extends keyof SessionEvents & string>(event: K, listener: (value: SessionEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** The signed-in user, or null. */
  get user(): SessionUser | null {
    return this.tokens?.user ?? null;
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  async register(input: RegisterInput): Promise<SessionUser> {
    const { register } = await postGraphQL(this.http, RegisterDocument, { input });
    await this.signIn(register);
    return register.user;
  }

  async login(input: LoginInput): Promise<SessionUser> {
    const { login } = await postGraphQL(this.http, LoginDocument, { input });
    await this.signIn(login);
    return login.user;
  }

  /** Revokes the session on the server (best effort: offline, the tokens are forgotten anyway). */
  async logout(): Promise<void> {
    await this.ready;
    const tokens = this.tokens;
    if (!tokens) return;
    await this.signOut("logout");
    await postGraphQL(this.http, LogoutDocument, { refreshToken: tokens.refreshToken }).catch(() => undefined);
  }

  /** The current access token as it is, without refreshing (null when signed out). */
  currentAccessToken(): string | null {
    return this.tokens?.accessToken ?? null;
  }

  /** When the current access token expires (ms since the epoch), or null. */
  accessTokenExpiresAt(): number | null {
    return this.tokens ? expiryOf(this.tokens) : null;
  }

  /** True when the current access token is within the refresh-ahead window (or expired). */
  needsRefresh(): boolean {
    return this.tokens !== null && !this.isFresh(this.tokens);
  }

  /** When to refresh the current access token ahead of its expiry (ms since the epoch), or null. */
  refreshDueAt(): number | null {
    return this.tokens ? expiryOf(this.tokens) - this.aheadOf(this.tokens) : null;
  }

  /**
   * A valid access token, refreshed first when it expires within the refresh-ahead window; null
   * when signed out. Throws KitError SIGNED_OUT when the refresh is refused, NETWORK_ERROR when
   * the server cannot be reached.
   */
  async accessToken(): Promise<string | null> {
    await this.ready;
    const tokens = this.tokens;
    if (!tokens) return null;
    if (this.isFresh(tokens)) return tokens.accessToken;
    return this.refresh();
  }

  /**
   * Replaces the current access token (e.g. one the server refused as expired) with a newer one:
   * another tab's if it already refreshed, else a refresh. Concurrent callers share one refresh.
   */
  refresh(): Promise<string> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * Runs one of the app's own operations over HTTP with the access token, refreshing once after
   * TOKEN_EXPIRED (clock skew, a token that expired in flight).
   */
  async request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    const token = await this.accessToken();
    try {
      return await postGraphQL(this.http, document, variables, token);
    } catch (error) {
      if (!(error instanceof KitError) || error.code !== "TOKEN_EXPIRED" || !token) throw error;
      return postGraphQL(this.http, document, variables, await this.refresh());
    }
  }

  /** Stops listening to other tabs. The stored session stays. */
  dispose(): void {
    this.tabs.close();
    this.events.clear();
  }

  private async refreshOnce(): Promise<string> {
    await this.ready;
    const replaced = this.tokens?.accessToken;
    if (!replaced) throw new KitError("SIGNED_OUT", "Not signed in");
    return this.locks.request(`${this.storageKey}:refresh`, async () => {
      // Under the lock, storage has the newest tokens any tab got: use them if they are newer
      // than the token being replaced, and else spend the stored (unspent) refresh token.
      const stored = await this.load();
      if (!stored) {
        await this.signOut("other-tab");
        throw new KitError("SIGNED_OUT", "Signed out in another tab");
      }
      if (stored.accessToken !== replaced && this.isFresh(stored)) {
        this.adopt(stored);
        return stored.accessToken;
      }
      let next: SessionTokens;
      try {
        next = (await postGraphQL(this.http, RefreshDocument, { refreshToken: stored.refreshToken })).refresh;
      } catch (error) {
        const reason = error instanceof KitError ? SIGNED_OUT_CODES[error.code] : undefined;
        if (!reason) throw error;
        // A tab without the shared lock may have won the race: its tokens are in storage now.
        const winner = await this.load();
        if (winner && winner.refreshToken !== stored.refreshToken) {
          this.adopt(winner);
          return winner.accessToken;
        }
        await this.signOut(reason, error as KitError);
        throw new KitError("SIGNED_OUT", `Signed out: ${(error as KitError).message}`, { reason });
      }
      await this.save(next);
      this.tabs.post({ type: "tokens" });
      this.adopt(next);
      return next.accessToken;
    });
  }

  private async signIn(tokens: SessionTokens): Promise<void> {
    await this.ready;
    await this.save(tokens);
    this.tabs.post({ type: "tokens" });
    this.adopt(tokens);
  }

  private async signOut(reason: SignedOutReason, error?: KitError): Promise<void> {
    const wasSignedIn = this.tokens !== null;
    this.tokens = null;
    if (reason !== "other-tab") {
      await this.save(null);
      this.tabs.post({ type: "signedOut" });
    }
    if (wasSignedIn) this.events.emit("signedOut", { reason, error });
  }

  private adopt(tokens: SessionTokens): void {
    if (this.tokens?.accessToken === tokens.accessToken) return;
    this.tokens = tokens;
    this.events.emit("tokens", tokens);
  }

  private async onTabMessage(message: TabMessage): Promise<void> {
    const stored = await this.load();
    if (message.type === "signedOut" && !stored) await this.signOut("other-tab");
    else if (stored && stored.accessToken !== this.tokens?.accessToken) this.adopt(stored);
  }

  private isFresh(tokens: SessionTokens): boolean {
    return expiryOf(tokens) - this.aheadOf(tokens) > Date.now();
  }

  private aheadOf(tokens: SessionTokens): number {
    const times = tokenTimes(tokens.accessToken);
    const lifetime = times ? times.expiresAt - times.issuedAt : Number.POSITIVE_INFINITY;
    return Math.min(this.refreshAheadMs, lifetime / 3);
  }

  private load(): Promise<SessionTokens | null> {
    return readJson<SessionTokens>(this.storage, `${this.storageKey}:session`);
  }

  private save(tokens: SessionTokens | null): Promise<void> {
    return writeJson(this.storage, `${this.storageKey}:session`, tokens);
  }
}

function expiryOf(tokens: SessionTokens): number {
  return tokenTimes(tokens.accessToken)?.expiresAt ?? Date.parse(tokens.accessTokenExpiresAt);
}

export const createSession = (options: SessionOptions) => new Session(options);
