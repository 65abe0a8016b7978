var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// client/src/errors.ts
var KitError = class extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
  code;
  details;
  name = "KitError";
};
function fromGraphQLErrors(errors) {
  const first = errors[0];
  const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
  return new KitError(code, first?.message ?? "Unknown GraphQL error", { ...first?.extensions });
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set(["NETWORK_ERROR", "RATE_LIMITED", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "TOKEN_EXPIRED"]);
var isTransient = (error) => error instanceof KitError && TRANSIENT_CODES.has(error.code);

// client/src/storage.ts
function memoryStorage() {
  const items = /* @__PURE__ */ new Map();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key)
  };
}
function defaultStorage() {
  try {
    const local = globalThis.localStorage;
    if (local) return local;
  } catch {
  }
  return memoryStorage();
}
async function readJson(storage, key) {
  const text = await storage.getItem(key);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
async function writeJson(storage, key, value) {
  if (value === null || value === void 0) await storage.removeItem(key);
  else await storage.setItem(key, JSON.stringify(value));
}

// client/src/tabs.ts
var processLocks = /* @__PURE__ */ new Map();
var inProcessLocks = {
  request(name, callback) {
    const previous = processLocks.get(name) ?? Promise.resolve();
    const run = previous.then(callback, callback);
    const settled = run.then(
      () => void 0,
      () => void 0
    );
    processLocks.set(name, settled);
    void settled.then(() => {
      if (processLocks.get(name) === settled) processLocks.delete(name);
    });
    return run;
  }
};
function defaultLocks() {
  const locks = globalThis.navigator?.locks;
  if (locks && typeof locks.request === "function") {
    return { request: (name, callback) => locks.request(name, callback) };
  }
  return inProcessLocks;
}
function openTabChannel(name, onMessage) {
  if (typeof BroadcastChannel === "undefined") return { post: () => void 0, close: () => void 0 };
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => onMessage(event.data);
  channel.unref?.();
  let open = true;
  return {
    post: (message) => {
      if (open) channel.postMessage(message);
    },
    close: () => {
      open = false;
      channel.close();
    }
  };
}

// client/src/jwt.ts
function decodeBase64Url(part) {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
function tokenTimes(token) {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(decodeBase64Url(payload));
    if (typeof claims.exp !== "number") return null;
    const expiresAt = claims.exp * 1e3;
    return { expiresAt, issuedAt: typeof claims.iat === "number" ? claims.iat * 1e3 : expiresAt };
  } catch {
    return null;
  }
}

// client/src/closeCodes.ts
var CLOSE_RULES = [
  // 4403 "Access token expired", "Invalid access token", "Access revoked", "account disabled":
  // a refresh either gives a token the server takes or ends the session (signedOut).
  { code: 4403, action: "refresh", meaning: "access token refused" },
  { code: 4429, action: "fatal", meaning: "too many sockets for this user" },
  { code: 1011, action: "retry", meaning: "server could not admit the socket now" },
  { code: 1001, action: "retry", meaning: "server going away (restart, redeploy)" },
  { code: 1e3, action: "retry", meaning: "normal closure" },
  { code: 1005, action: "retry", meaning: "no close status" },
  { code: 1006, action: "retry", meaning: "connection lost" },
  { code: 1012, action: "retry", meaning: "service restart" },
  { code: 1013, action: "retry", meaning: "try again later" },
  { code: 1014, action: "retry", meaning: "bad gateway" },
  { code: 4408, action: "retry", meaning: "no pong in time, or connection initialisation timeout" },
  { code: 4499, action: "retry", meaning: "terminated by the client" },
  { code: 4504, action: "retry", meaning: "connection acknowledgement timeout" },
  { code: 4400, action: "fatal", meaning: "bad request" },
  { code: 4401, action: "fatal", meaning: "unauthorized" },
  { code: 4004, action: "fatal", meaning: "bad response (could not build connection params)" },
  { code: 4005, action: "fatal", meaning: "internal client error" },
  { code: 4406, action: "fatal", meaning: "subprotocol not acceptable" },
  { code: 4409, action: "fatal", meaning: "subscriber already exists" },
  { code: 4500, action: "fatal", meaning: "internal server error" }
];
var isCloseLike = (value) => typeof value === "object" && value !== null && typeof value.code === "number" && "reason" in value;
function closeRule(code) {
  return CLOSE_RULES.find((rule) => rule.code === code) ?? { code, action: code >= 4e3 && code < 5e3 ? "fatal" : "retry", meaning: "unknown close code" };
}
var RETRYABLE_CODES = /* @__PURE__ */ new Set(["RATE_LIMITED", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]);
function classifyFailure(error) {
  if (error instanceof KitError) return { action: RETRYABLE_CODES.has(error.code) || error.code === "NETWORK_ERROR" ? "retry" : "fatal", error };
  if (isCloseLike(error)) {
    const rule = closeRule(error.code);
    const details = { closeCode: error.code, closeReason: error.reason };
    const message = `Socket closed ${error.code} (${rule.meaning})${error.reason ? `: ${error.reason}` : ""}`;
    return { action: rule.action, error: new KitError(rule.action === "fatal" ? "SOCKET_CLOSED" : "NETWORK_ERROR", message, details) };
  }
  if (Array.isArray(error)) {
    const kitError = fromGraphQLErrors(error);
    return { action: RETRYABLE_CODES.has(kitError.code) ? "retry" : "fatal", error: kitError };
  }
  return { action: "retry", error: new KitError("NETWORK_ERROR", error instanceof Error ? error.message : "Socket error") };
}

// client/src/emitter.ts
var Emitter = class {
  listeners = /* @__PURE__ */ new Map();
  on(event, listener) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, set = /* @__PURE__ */ new Set());
    set.add(listener);
    return () => void set.delete(listener);
  }
  emit(event, value) {
    for (const listener of [...this.listeners.get(event) ?? []]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
  clear() {
    this.listeners.clear();
  }
};

// client/src/generated/operations.ts
var operations_exports = {};
__export(operations_exports, {
  AuthenticateConnectionDocument: () => AuthenticateConnectionDocument,
  LoginDocument: () => LoginDocument,
  LogoutDocument: () => LogoutDocument,
  RefreshDocument: () => RefreshDocument,
  RegisterDocument: () => RegisterDocument,
  RoomEventsDocument: () => RoomEventsDocument,
  RoomLatestMessageDocument: () => RoomLatestMessageDocument,
  RoomMemberFragmentDoc: () => RoomMemberFragmentDoc,
  RoomMessageFragmentDoc: () => RoomMessageFragmentDoc,
  RoomMessagesFromStartDocument: () => RoomMessagesFromStartDocument,
  SendMessageDocument: () => SendMessageDocument,
  SessionTokensFragmentDoc: () => SessionTokensFragmentDoc,
  TypedDocumentString: () => TypedDocumentString
});
var TypedDocumentString = class extends String {
  __apiType;
  value;
  __meta__;
  constructor(value, __meta__) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }
  toString() {
    return this.value;
  }
};
var SessionTokensFragmentDoc = new TypedDocumentString(`
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}
    `, { "fragmentName": "SessionTokens" });
var RoomMessageFragmentDoc = new TypedDocumentString(`
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}
    `, { "fragmentName": "RoomMessage" });
var RoomMemberFragmentDoc = new TypedDocumentString(`
    fragment RoomMember on User {
  id
  displayName
}
    `, { "fragmentName": "RoomMember" });
var RegisterDocument = new TypedDocumentString(`
    mutation Register($input: RegisterInput!) {
  register(input: $input) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`);
var LoginDocument = new TypedDocumentString(`
    mutation Login($input: LoginInput!) {
  login(input: $input) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`);
var RefreshDocument = new TypedDocumentString(`
    mutation Refresh($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`);
var LogoutDocument = new TypedDocumentString(`
    mutation Logout($refreshToken: String!) {
  logout(refreshToken: $refreshToken)
}
    `);
var AuthenticateConnectionDocument = new TypedDocumentString(`
    mutation AuthenticateConnection($accessToken: String!) {
  authenticateConnection(accessToken: $accessToken)
}
    `);
var SendMessageDocument = new TypedDocumentString(`
    mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    messageId
    clientMessageId
    timestamp
  }
}
    `);
var RoomEventsDocument = new TypedDocumentString(`
    subscription RoomEvents($room: String!, $since: ID, $excludeSelf: Boolean! = false) {
  roomEvents(room: $room, since: $since, excludeSelf: $excludeSelf) {
    __typename
    ... on MessagePosted {
      message {
        ...RoomMessage
      }
    }
    ... on MemberJoined {
      user {
        ...RoomMember
      }
      memberCount
      at
    }
    ... on MemberLeft {
      user {
        ...RoomMember
      }
      memberCount
      at
    }
  }
}
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}
fragment RoomMember on User {
  id
  displayName
}`);
var RoomLatestMessageDocument = new TypedDocumentString(`
    query RoomLatestMessage($room: String!) {
  room(slug: $room) {
    messages(last: 1) {
      edges {
        node {
          id
        }
      }
    }
  }
}
    `);
var RoomMessagesFromStartDocument = new TypedDocumentString(`
    query RoomMessagesFromStart($room: String!, $after: String) {
  room(slug: $room) {
    messages(first: 100, after: $after) {
      edges {
        node {
          ...RoomMessage
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}`);

// client/src/http.ts
async function postGraphQL(http, document2, variables, accessToken) {
  let response;
  try {
    response = await http.fetch(http.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...http.headers?.(),
        ...accessToken ? { authorization: `Bearer ${accessToken}` } : {}
      },
      body: JSON.stringify({ query: document2.toString(), variables })
    });
  } catch (error) {
    throw new KitError("NETWORK_ERROR", `Could not reach ${http.url}`, { cause: String(error) });
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new KitError(response.status >= 500 ? "SERVICE_UNAVAILABLE" : "BAD_RESPONSE", `HTTP ${response.status} without a GraphQL body`, {
      status: response.status
    });
  }
  if (body.errors?.length) throw fromGraphQLErrors(body.errors);
  if (!body.data) throw new KitError("BAD_RESPONSE", `HTTP ${response.status} without data`, { status: response.status });
  return body.data;
}

// client/src/session.ts
var SIGNED_OUT_CODES = {
  INVALID_TOKEN: "refresh-refused",
  UNAUTHENTICATED: "refresh-refused",
  FORBIDDEN: "account-disabled"
};
var Session = class {
  storage;
  storageKey;
  url;
  http;
  locks;
  refreshAheadMs;
  events = new Emitter();
  tabs;
  tokens = null;
  refreshing = null;
  /** Resolves once the stored session (if any) was loaded. */
  ready;
  constructor(options) {
    this.url = options.url;
    this.storage = options.storage ?? defaultStorage();
    this.storageKey = options.storageKey ?? "mundo-tango";
    this.refreshAheadMs = options.refreshAheadMs ?? 3e4;
    this.locks = options.locks ?? defaultLocks();
    this.http = { url: options.url, fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)), headers: options.headers };
    this.tabs = openTabChannel(this.storageKey, (message) => void this.onTabMessage(message));
    this.ready = this.load().then((stored) => {
      this.tokens ??= stored;
    });
  }
  on(event, listener) {
    return this.events.on(event, listener);
  }
  /** The signed-in user, or null. */
  get user() {
    return this.tokens?.user ?? null;
  }
  get signedIn() {
    return this.tokens !== null;
  }
  async register(input) {
    const { register } = await postGraphQL(this.http, RegisterDocument, { input });
    await this.signIn(register);
    return register.user;
  }
  async login(input) {
    const { login } = await postGraphQL(this.http, LoginDocument, { input });
    await this.signIn(login);
    return login.user;
  }
  /** Revokes the session on the server (best effort: offline, the tokens are forgotten anyway). */
  async logout() {
    await this.ready;
    const tokens = this.tokens;
    if (!tokens) return;
    await this.signOut("logout");
    await postGraphQL(this.http, LogoutDocument, { refreshToken: tokens.refreshToken }).catch(() => void 0);
  }
  /** The current access token as it is, without refreshing (null when signed out). */
  currentAccessToken() {
    return this.tokens?.accessToken ?? null;
  }
  /** When the current access token expires (ms since the epoch), or null. */
  accessTokenExpiresAt() {
    return this.tokens ? expiryOf(this.tokens) : null;
  }
  /** True when the current access token is within the refresh-ahead window (or expired). */
  needsRefresh() {
    return this.tokens !== null && !this.isFresh(this.tokens);
  }
  /** When to refresh the current access token ahead of its expiry (ms since the epoch), or null. */
  refreshDueAt() {
    return this.tokens ? expiryOf(this.tokens) - this.aheadOf(this.tokens) : null;
  }
  /**
   * A valid access token, refreshed first when it expires within the refresh-ahead window; null
   * when signed out. Throws KitError SIGNED_OUT when the refresh is refused, NETWORK_ERROR when
   * the server cannot be reached.
   */
  async accessToken() {
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
  refresh() {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
  /**
   * Runs one of the app's own operations over HTTP with the access token, refreshing once after
   * TOKEN_EXPIRED (clock skew, a token that expired in flight).
   */
  async request(document2, variables) {
    const token = await this.accessToken();
    try {
      return await postGraphQL(this.http, document2, variables, token);
    } catch (error) {
      if (!(error instanceof KitError) || error.code !== "TOKEN_EXPIRED" || !token) throw error;
      return postGraphQL(this.http, document2, variables, await this.refresh());
    }
  }
  /** Stops listening to other tabs. The stored session stays. */
  dispose() {
    this.tabs.close();
    this.events.clear();
  }
  async refreshOnce() {
    await this.ready;
    const replaced = this.tokens?.accessToken;
    if (!replaced) throw new KitError("SIGNED_OUT", "Not signed in");
    return this.locks.request(`${this.storageKey}:refresh`, async () => {
      const stored = await this.load();
      if (!stored) {
        await this.signOut("other-tab");
        throw new KitError("SIGNED_OUT", "Signed out in another tab");
      }
      if (stored.accessToken !== replaced && this.isFresh(stored)) {
        this.adopt(stored);
        return stored.accessToken;
      }
      let next;
      try {
        next = (await postGraphQL(this.http, RefreshDocument, { refreshToken: stored.refreshToken })).refresh;
      } catch (error) {
        const reason = error instanceof KitError ? SIGNED_OUT_CODES[error.code] : void 0;
        if (!reason) throw error;
        const winner = await this.load();
        if (winner && winner.refreshToken !== stored.refreshToken) {
          this.adopt(winner);
          return winner.accessToken;
        }
        await this.signOut(reason, error);
        throw new KitError("SIGNED_OUT", `Signed out: ${error.message}`, { reason });
      }
      await this.save(next);
      this.tabs.post({ type: "tokens" });
      this.adopt(next);
      return next.accessToken;
    });
  }
  async signIn(tokens) {
    await this.ready;
    await this.save(tokens);
    this.tabs.post({ type: "tokens" });
    this.adopt(tokens);
  }
  async signOut(reason, error) {
    const wasSignedIn = this.tokens !== null;
    this.tokens = null;
    if (reason !== "other-tab") {
      await this.save(null);
      this.tabs.post({ type: "signedOut" });
    }
    if (wasSignedIn) this.events.emit("signedOut", { reason, error });
  }
  adopt(tokens) {
    if (this.tokens?.accessToken === tokens.accessToken) return;
    this.tokens = tokens;
    this.events.emit("tokens", tokens);
  }
  async onTabMessage(message) {
    const stored = await this.load();
    if (message.type === "signedOut" && !stored) await this.signOut("other-tab");
    else if (stored && stored.accessToken !== this.tokens?.accessToken) this.adopt(stored);
  }
  isFresh(tokens) {
    return expiryOf(tokens) - this.aheadOf(tokens) > Date.now();
  }
  aheadOf(tokens) {
    const times = tokenTimes(tokens.accessToken);
    const lifetime = times ? times.expiresAt - times.issuedAt : Number.POSITIVE_INFINITY;
    return Math.min(this.refreshAheadMs, lifetime / 3);
  }
  load() {
    return readJson(this.storage, `${this.storageKey}:session`);
  }
  save(tokens) {
    return writeJson(this.storage, `${this.storageKey}:session`, tokens);
  }
};
function expiryOf(tokens) {
  return tokenTimes(tokens.accessToken)?.expiresAt ?? Date.parse(tokens.accessTokenExpiresAt);
}
var createSession = (options) => new Session(options);

// node_modules/graphql-ws/dist/common-CGW11Fyb.js
function extendedTypeof(val) {
  if (val === null) {
    return "null";
  }
  if (Array.isArray(val)) {
    return "array";
  }
  return typeof val;
}
function isObject(val) {
  return extendedTypeof(val) === "object";
}
function areGraphQLFormattedErrors(obj) {
  return Array.isArray(obj) && // must be at least one error
  obj.length > 0 && // error has at least a message
  obj.every((ob) => "message" in ob);
}
function limitCloseReason(reason, whenTooLong) {
  return reason.length < 124 ? reason : whenTooLong;
}
var GRAPHQL_TRANSPORT_WS_PROTOCOL = "graphql-transport-ws";
var CloseCode = /* @__PURE__ */ ((CloseCode2) => {
  CloseCode2[CloseCode2["InternalServerError"] = 4500] = "InternalServerError";
  CloseCode2[CloseCode2["InternalClientError"] = 4005] = "InternalClientError";
  CloseCode2[CloseCode2["BadRequest"] = 4400] = "BadRequest";
  CloseCode2[CloseCode2["BadResponse"] = 4004] = "BadResponse";
  CloseCode2[CloseCode2["Unauthorized"] = 4401] = "Unauthorized";
  CloseCode2[CloseCode2["Forbidden"] = 4403] = "Forbidden";
  CloseCode2[CloseCode2["SubprotocolNotAcceptable"] = 4406] = "SubprotocolNotAcceptable";
  CloseCode2[CloseCode2["ConnectionInitialisationTimeout"] = 4408] = "ConnectionInitialisationTimeout";
  CloseCode2[CloseCode2["ConnectionAcknowledgementTimeout"] = 4504] = "ConnectionAcknowledgementTimeout";
  CloseCode2[CloseCode2["SubscriberAlreadyExists"] = 4409] = "SubscriberAlreadyExists";
  CloseCode2[CloseCode2["TooManyInitialisationRequests"] = 4429] = "TooManyInitialisationRequests";
  return CloseCode2;
})(CloseCode || {});
var MessageType = /* @__PURE__ */ ((MessageType2) => {
  MessageType2["ConnectionInit"] = "connection_init";
  MessageType2["ConnectionAck"] = "connection_ack";
  MessageType2["Ping"] = "ping";
  MessageType2["Pong"] = "pong";
  MessageType2["Subscribe"] = "subscribe";
  MessageType2["Next"] = "next";
  MessageType2["Error"] = "error";
  MessageType2["Complete"] = "complete";
  return MessageType2;
})(MessageType || {});
function validateMessage(val) {
  if (!isObject(val)) {
    throw new Error(
      `Message is expected to be an object, but got ${extendedTypeof(val)}`
    );
  }
  if (!val.type) {
    throw new Error(`Message is missing the 'type' property`);
  }
  if (typeof val.type !== "string") {
    throw new Error(
      `Message is expects the 'type' property to be a string, but got ${extendedTypeof(
        val.type
      )}`
    );
  }
  switch (val.type) {
    case "connection_init":
    case "connection_ack":
    case "ping":
    case "pong": {
      if (val.payload != null && !isObject(val.payload)) {
        throw new Error(
          `"${val.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${val.payload}"`
        );
      }
      break;
    }
    case "subscribe": {
      if (typeof val.id !== "string") {
        throw new Error(
          `"${val.type}" message expects the 'id' property to be a string, but got ${extendedTypeof(
            val.id
          )}`
        );
      }
      if (!val.id) {
        throw new Error(
          `"${val.type}" message requires a non-empty 'id' property`
        );
      }
      if (!isObject(val.payload)) {
        throw new Error(
          `"${val.type}" message expects the 'payload' property to be an object, but got ${extendedTypeof(
            val.payload
          )}`
        );
      }
      if (typeof val.payload.query !== "string") {
        throw new Error(
          `"${val.type}" message payload expects the 'query' property to be a string, but got ${extendedTypeof(
            val.payload.query
          )}`
        );
      }
      if (val.payload.variables != null && !isObject(val.payload.variables)) {
        throw new Error(
          `"${val.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${extendedTypeof(
            val.payload.variables
          )}`
        );
      }
      if (val.payload.operationName != null && extendedTypeof(val.payload.operationName) !== "string") {
        throw new Error(
          `"${val.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${extendedTypeof(
            val.payload.operationName
          )}`
        );
      }
      if (val.payload.extensions != null && !isObject(val.payload.extensions)) {
        throw new Error(
          `"${val.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${extendedTypeof(
            val.payload.extensions
          )}`
        );
      }
      break;
    }
    case "next": {
      if (typeof val.id !== "string") {
        throw new Error(
          `"${val.type}" message expects the 'id' property to be a string, but got ${extendedTypeof(
            val.id
          )}`
        );
      }
      if (!val.id) {
        throw new Error(
          `"${val.type}" message requires a non-empty 'id' property`
        );
      }
      if (!isObject(val.payload)) {
        throw new Error(
          `"${val.type}" message expects the 'payload' property to be an object, but got ${extendedTypeof(
            val.payload
          )}`
        );
      }
      break;
    }
    case "error": {
      if (typeof val.id !== "string") {
        throw new Error(
          `"${val.type}" message expects the 'id' property to be a string, but got ${extendedTypeof(
            val.id
          )}`
        );
      }
      if (!val.id) {
        throw new Error(
          `"${val.type}" message requires a non-empty 'id' property`
        );
      }
      if (!areGraphQLFormattedErrors(val.payload)) {
        throw new Error(
          `"${val.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(
            val.payload
          )}`
        );
      }
      break;
    }
    case "complete": {
      if (typeof val.id !== "string") {
        throw new Error(
          `"${val.type}" message expects the 'id' property to be a string, but got ${extendedTypeof(
            val.id
          )}`
        );
      }
      if (!val.id) {
        throw new Error(
          `"${val.type}" message requires a non-empty 'id' property`
        );
      }
      break;
    }
    default:
      throw new Error(`Invalid message 'type' property "${val.type}"`);
  }
  return val;
}
function parseMessage(data, reviver) {
  return validateMessage(
    typeof data === "string" ? JSON.parse(data, reviver) : data
  );
}
function stringifyMessage(msg, replacer) {
  validateMessage(msg);
  return JSON.stringify(msg, replacer);
}

// node_modules/graphql-ws/dist/client.js
function createClient(options) {
  const {
    url,
    connectionParams,
    lazy = true,
    onNonLazyError = console.error,
    lazyCloseTimeout: lazyCloseTimeoutMs = 0,
    keepAlive = 0,
    disablePong,
    connectionAckWaitTimeout = 0,
    retryAttempts = 5,
    retryWait = async function randomisedExponentialBackoff(retries2) {
      const retryDelaySeconds = Math.pow(2, retries2);
      await new Promise(
        (resolve) => setTimeout(
          resolve,
          retryDelaySeconds * 1e3 + // add random timeout from 300ms to 3s
          Math.floor(Math.random() * (3e3 - 300) + 300)
        )
      );
    },
    shouldRetry = isLikeCloseEvent,
    on,
    webSocketImpl,
    /**
     * Generates a v4 UUID to be used as the ID using `Math`
     * as the random number generator. Supply your own generator
     * in case you need more uniqueness.
     *
     * Reference: https://gist.github.com/jed/982883
     */
    generateID = function generateUUID() {
      return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
        const r = Math.random() * 16 | 0, v = c == "x" ? r : r & 3 | 8;
        return v.toString(16);
      });
    },
    jsonMessageReplacer: replacer,
    jsonMessageReviver: reviver
  } = options;
  let ws;
  if (webSocketImpl) {
    if (!isWebSocket(webSocketImpl)) {
      throw new Error("Invalid WebSocket implementation provided");
    }
    ws = webSocketImpl;
  } else if (typeof WebSocket !== "undefined") {
    ws = WebSocket;
  } else if (typeof global !== "undefined") {
    ws = global.WebSocket || // @ts-expect-error: Support more browsers
    global.MozWebSocket;
  } else if (typeof window !== "undefined") {
    ws = window.WebSocket || // @ts-expect-error: Support more browsers
    window.MozWebSocket;
  }
  if (!ws)
    throw new Error(
      "WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`"
    );
  const WebSocketImpl = ws;
  const emitter = (() => {
    const message = /* @__PURE__ */ (() => {
      const listeners2 = {};
      return {
        on(id, listener) {
          listeners2[id] = listener;
          return () => {
            delete listeners2[id];
          };
        },
        emit(message2) {
          if ("id" in message2) listeners2[message2.id]?.(message2);
        }
      };
    })();
    const listeners = {
      connecting: on?.connecting ? [on.connecting] : [],
      opened: on?.opened ? [on.opened] : [],
      connected: on?.connected ? [on.connected] : [],
      ping: on?.ping ? [on.ping] : [],
      pong: on?.pong ? [on.pong] : [],
      message: on?.message ? [message.emit, on.message] : [message.emit],
      closed: on?.closed ? [on.closed] : [],
      error: on?.error ? [on.error] : []
    };
    return {
      onMessage: message.on,
      on(event, listener) {
        const l = listeners[event];
        l.push(listener);
        return () => {
          const i = l.indexOf(listener);
          if (i > -1) {
            l.splice(i, 1);
          }
        };
      },
      emit(event, ...args) {
        for (const listener of [...listeners[event]]) {
          listener(...args);
        }
      }
    };
  })();
  function errorOrClosed(cb) {
    const listening = [
      // errors are fatal and more critical than close events, throw them first
      emitter.on("error", (err) => {
        listening.forEach((unlisten) => unlisten());
        cb(err);
      }),
      // closes can be graceful and not fatal, throw them second (if error didnt throw)
      emitter.on("closed", (event) => {
        listening.forEach((unlisten) => unlisten());
        cb(event);
      })
    ];
    return () => listening.forEach((unlisten) => unlisten());
  }
  let connecting, locks = 0, lazyCloseTimeout, retrying = false, retries = 0, disposed = false;
  async function connect() {
    clearTimeout(lazyCloseTimeout);
    const [socket, throwOnClose] = await (connecting ?? (connecting = new Promise(
      (connected, denied) => (async () => {
        if (retrying) {
          await retryWait(retries);
          if (!locks) {
            connecting = void 0;
            return denied({ code: 1e3, reason: "All Subscriptions Gone" });
          }
          retries++;
        }
        emitter.emit("connecting", retrying);
        const socket2 = new WebSocketImpl(
          typeof url === "function" ? await url() : url,
          GRAPHQL_TRANSPORT_WS_PROTOCOL
        );
        let connectionAckTimeout, queuedPing;
        function enqueuePing() {
          if (isFinite(keepAlive) && keepAlive > 0) {
            clearTimeout(queuedPing);
            queuedPing = setTimeout(() => {
              if (socket2.readyState === WebSocketImpl.OPEN) {
                socket2.send(stringifyMessage({ type: MessageType.Ping }));
                emitter.emit("ping", false, void 0);
              }
            }, keepAlive);
          }
        }
        errorOrClosed((errOrEvent) => {
          connecting = void 0;
          clearTimeout(connectionAckTimeout);
          clearTimeout(queuedPing);
          denied(errOrEvent);
          if (errOrEvent instanceof TerminatedCloseEvent) {
            socket2.close(4499, "Terminated");
            socket2.onerror = null;
            socket2.onclose = null;
          }
        });
        socket2.onerror = (err) => emitter.emit("error", err);
        socket2.onclose = (event) => emitter.emit("closed", event);
        socket2.onopen = async () => {
          try {
            emitter.emit("opened", socket2);
            const payload = typeof connectionParams === "function" ? await connectionParams() : connectionParams;
            if (socket2.readyState !== WebSocketImpl.OPEN) return;
            socket2.send(
              stringifyMessage(
                payload ? {
                  type: MessageType.ConnectionInit,
                  payload
                } : {
                  type: MessageType.ConnectionInit
                  // payload is completely absent if not provided
                },
                replacer
              )
            );
            if (isFinite(connectionAckWaitTimeout) && connectionAckWaitTimeout > 0) {
              connectionAckTimeout = setTimeout(() => {
                socket2.close(
                  CloseCode.ConnectionAcknowledgementTimeout,
                  "Connection acknowledgement timeout"
                );
              }, connectionAckWaitTimeout);
            }
            enqueuePing();
          } catch (err) {
            emitter.emit("error", err);
            socket2.close(
              CloseCode.InternalClientError,
              limitCloseReason(
                err instanceof Error ? err.message : String(err),
                "Internal client error"
              )
            );
          }
        };
        let acknowledged = false;
        socket2.onmessage = ({ data }) => {
          try {
            const message = parseMessage(data, reviver);
            emitter.emit("message", message);
            if (message.type === "ping" || message.type === "pong") {
              emitter.emit(message.type, true, message.payload);
              if (message.type === "pong") {
                enqueuePing();
              } else if (!disablePong) {
                socket2.send(
                  stringifyMessage(
                    message.payload ? {
                      type: MessageType.Pong,
                      payload: message.payload
                    } : {
                      type: MessageType.Pong
                      // payload is completely absent if not provided
                    },
                    replacer
                  )
                );
                emitter.emit("pong", false, message.payload);
              }
              return;
            }
            if (acknowledged) return;
            if (message.type !== MessageType.ConnectionAck)
              throw new Error(
                `First message cannot be of type ${message.type}`
              );
            clearTimeout(connectionAckTimeout);
            acknowledged = true;
            emitter.emit("connected", socket2, message.payload, retrying);
            retrying = false;
            retries = 0;
            const throwOnClose2 = new Promise(
              (_, reject) => errorOrClosed(reject)
            );
            throwOnClose2.catch(() => {
            });
            connected([socket2, throwOnClose2]);
          } catch (err) {
            socket2.onmessage = null;
            emitter.emit("error", err);
            socket2.close(
              CloseCode.BadResponse,
              limitCloseReason(
                err instanceof Error ? err.message : String(err),
                "Bad response"
              )
            );
          }
        };
      })()
    )));
    if (socket.readyState === WebSocketImpl.CLOSING) await throwOnClose;
    let release = () => {
    };
    const released = new Promise((resolve) => release = resolve);
    return [
      socket,
      release,
      // resolves on release or rejects on error/close, whichever comes first.
      // not racing with throwOnClose on purpose, it lives as long as the socket
      // and every race would leak memory per operation
      new Promise((resolve, reject) => {
        const unlisten = errorOrClosed(reject);
        if (socket.readyState !== WebSocketImpl.OPEN)
          throwOnClose.catch(reject);
        released.then(() => {
          unlisten();
          if (!locks) {
            const complete = () => socket.close(1e3, "Normal Closure");
            if (isFinite(lazyCloseTimeoutMs) && lazyCloseTimeoutMs > 0) {
              clearTimeout(lazyCloseTimeout);
              lazyCloseTimeout = setTimeout(() => {
                if (!locks && socket.readyState === WebSocketImpl.OPEN)
                  complete();
              }, lazyCloseTimeoutMs);
            } else {
              complete();
            }
          }
          resolve();
        });
      })
    ];
  }
  function shouldRetryConnectOrThrow(errOrCloseEvent) {
    if (isLikeCloseEvent(errOrCloseEvent) && (isFatalInternalCloseCode(errOrCloseEvent.code) || [
      CloseCode.InternalServerError,
      CloseCode.InternalClientError,
      CloseCode.BadRequest,
      CloseCode.BadResponse,
      CloseCode.Unauthorized,
      // CloseCode.Forbidden, might grant access out after retry
      CloseCode.SubprotocolNotAcceptable,
      // CloseCode.ConnectionInitialisationTimeout, might not time out after retry
      // CloseCode.ConnectionAcknowledgementTimeout, might not time out after retry
      CloseCode.SubscriberAlreadyExists,
      CloseCode.TooManyInitialisationRequests
      // 4499, // Terminated, probably because the socket froze, we want to retry
    ].includes(errOrCloseEvent.code)))
      throw errOrCloseEvent;
    if (disposed) return false;
    if (isLikeCloseEvent(errOrCloseEvent) && errOrCloseEvent.code === 1e3)
      return locks > 0;
    if (!retryAttempts || retries >= retryAttempts) throw errOrCloseEvent;
    if (!shouldRetry(errOrCloseEvent)) throw errOrCloseEvent;
    return retrying = true;
  }
  if (!lazy) {
    (async () => {
      locks++;
      for (; ; ) {
        try {
          const [, , throwOnClose] = await connect();
          await throwOnClose;
        } catch (errOrCloseEvent) {
          try {
            if (!shouldRetryConnectOrThrow(errOrCloseEvent)) return;
          } catch (errOrCloseEvent2) {
            return onNonLazyError?.(errOrCloseEvent2);
          }
        }
      }
    })();
  }
  function subscribe(payload, sink) {
    const id = generateID(payload);
    let done = false, errored = false, releaser = () => {
      locks--;
      done = true;
    };
    (async () => {
      locks++;
      for (; ; ) {
        try {
          const [socket, release, waitForReleaseOrThrowOnClose] = await connect();
          if (done) {
            waitForReleaseOrThrowOnClose.catch(() => {
            });
            return release();
          }
          const unlisten = emitter.onMessage(id, (message) => {
            switch (message.type) {
              case MessageType.Next: {
                sink.next(message.payload);
                return;
              }
              case MessageType.Error: {
                errored = true, done = true;
                sink.error(message.payload);
                releaser();
                return;
              }
              case MessageType.Complete: {
                done = true;
                releaser();
                return;
              }
            }
          });
          socket.send(
            stringifyMessage(
              {
                id,
                type: MessageType.Subscribe,
                payload
              },
              replacer
            )
          );
          releaser = () => {
            if (!done && socket.readyState === WebSocketImpl.OPEN)
              socket.send(
                stringifyMessage(
                  {
                    id,
                    type: MessageType.Complete
                  },
                  replacer
                )
              );
            locks--;
            done = true;
            release();
          };
          await waitForReleaseOrThrowOnClose.finally(unlisten);
          return;
        } catch (errOrCloseEvent) {
          if (!shouldRetryConnectOrThrow(errOrCloseEvent)) return;
        }
      }
    })().then(() => {
      if (!errored) sink.complete();
    }).catch((err) => {
      sink.error(err);
    });
    return () => {
      if (!done) releaser();
    };
  }
  return {
    on: emitter.on,
    subscribe,
    iterate(request) {
      const pending = [];
      const deferred = {
        done: false,
        error: null,
        resolve: () => {
        }
      };
      const dispose = subscribe(request, {
        next(val) {
          pending.push(val);
          deferred.resolve();
        },
        error(err) {
          deferred.done = true;
          deferred.error = err;
          deferred.resolve();
        },
        complete() {
          deferred.done = true;
          deferred.resolve();
        }
      });
      const iterator = (async function* iterator2() {
        for (; ; ) {
          if (!pending.length) {
            await new Promise((resolve) => deferred.resolve = resolve);
          }
          while (pending.length) {
            yield pending.shift();
          }
          if (deferred.error) {
            throw deferred.error;
          }
          if (deferred.done) {
            return;
          }
        }
      })();
      iterator.throw = async (err) => {
        if (!deferred.done) {
          deferred.done = true;
          deferred.error = err;
          deferred.resolve();
        }
        return { done: true, value: void 0 };
      };
      iterator.return = async () => {
        dispose();
        return { done: true, value: void 0 };
      };
      return iterator;
    },
    async dispose() {
      disposed = true;
      if (connecting) {
        const [socket] = await connecting;
        socket.close(1e3, "Normal Closure");
      }
    },
    terminate() {
      if (connecting) {
        emitter.emit("closed", new TerminatedCloseEvent());
      }
    }
  };
}
var TerminatedCloseEvent = class extends Error {
  name = "TerminatedCloseEvent";
  message = "4499: Terminated";
  code = 4499;
  reason = "Terminated";
  wasClean = false;
};
function isLikeCloseEvent(val) {
  return isObject(val) && "code" in val && "reason" in val;
}
function isFatalInternalCloseCode(code) {
  if ([
    1e3,
    // Normal Closure is not an erroneous close code
    1001,
    // Going Away
    1006,
    // Abnormal Closure
    1005,
    // No Status Received
    1012,
    // Service Restart
    1013,
    // Try Again Later
    1014
    // Bad Gateway
  ].includes(code))
    return false;
  return code >= 1e3 && code <= 1999;
}
function isWebSocket(val) {
  return typeof val === "function" && "constructor" in val && "CLOSED" in val && "CLOSING" in val && "CONNECTING" in val && "OPEN" in val;
}

// client/src/backoff.ts
function backoffDelay(attempt, { baseMs = 500, maxMs = 15e3 } = {}) {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(Math.random() * bound);
}
function waitBackoff(attempt, options, early) {
  return new Promise((resolve) => {
    const target = globalThis;
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener?.("online", done);
      resolve();
    };
    const timer = setTimeout(done, backoffDelay(attempt, options));
    target.addEventListener?.("online", done);
    void early?.then(done, done);
  });
}

// client/src/outbox.ts
var Outbox = class {
  constructor(realtime2) {
    this.realtime = realtime2;
    const { session: session2 } = realtime2;
    const stopTokens = session2.on("tokens", () => void this.restore());
    const stopSignedOut = session2.on("signedOut", ({ reason }) => void this.onSignedOut(reason === "logout"));
    this.stopListening = () => {
      stopTokens();
      stopSignedOut();
    };
    void session2.ready.then(() => this.restore());
  }
  realtime;
  queue = [];
  waiters = /* @__PURE__ */ new Map();
  /** The user whose queue is loaded (queues are stored per user). */
  userId = null;
  flushing = false;
  disposed = false;
  stopListening;
  pending() {
    return [...this.queue];
  }
  async send(room2, text) {
    await this.restore();
    if (!this.userId) throw new KitError("SIGNED_OUT", "Sign in to send messages");
    const message = { clientMessageId: crypto.randomUUID(), room: room2, text, queuedAt: (/* @__PURE__ */ new Date()).toISOString() };
    const sent = new Promise((resolve, reject) => this.waiters.set(message.clientMessageId, { resolve, reject }));
    this.queue.push(message);
    await this.persist();
    void this.flush();
    return sent;
  }
  dispose() {
    this.disposed = true;
    this.stopListening();
    for (const waiter of this.waiters.values()) waiter.reject(new KitError("DISPOSED", "The realtime client was disposed; the message stays queued"));
    this.waiters.clear();
  }
  /** Loads the signed-in user's stored queue (after a reload) and sends what is in it. */
  async restore() {
    const userId = this.realtime.session.user?.id ?? null;
    if (userId === this.userId) return;
    this.userId = userId;
    this.queue = userId ? await readJson(this.realtime.session.storage, this.key(userId)) ?? [] : [];
    void this.flush();
  }
  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    let attempt = 0;
    try {
      while (!this.disposed && this.queue.length > 0 && this.realtime.session.signedIn) {
        const message = this.queue[0];
        try {
          const receipt = await this.deliver(message);
          this.settle(message, { ...message, receipt });
          attempt = 0;
        } catch (error) {
          const kitError = error instanceof KitError ? error : new KitError("NETWORK_ERROR", String(error));
          if (kitError.code === "SIGNED_OUT") return;
          if (!isTransient(kitError)) {
            this.settle(message, kitError);
            continue;
          }
          await this.realtime.waitBackoff(attempt++);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
  async deliver(message) {
    const input = { room: message.room, text: message.text, clientMessageId: message.clientMessageId };
    const data = this.realtime.status === "connected" ? await this.realtime.request(SendMessageDocument, { input }) : await this.realtime.session.request(SendMessageDocument, { input });
    return data.sendMessage;
  }
  settle(message, outcome) {
    if (this.queue[0] === message) this.queue.shift();
    void this.persist();
    const waiter = this.waiters.get(message.clientMessageId);
    this.waiters.delete(message.clientMessageId);
    if (outcome instanceof KitError) {
      waiter?.reject(outcome);
      this.realtime.emitSendFailed(message, outcome);
    } else {
      waiter?.resolve(outcome);
      this.realtime.emitReceipt(outcome);
    }
  }
  async onSignedOut(discard) {
    for (const waiter of this.waiters.values()) waiter.reject(new KitError("SIGNED_OUT", "Signed out; the message stays queued for this user"));
    this.waiters.clear();
    if (discard && this.userId) await writeJson(this.realtime.session.storage, this.key(this.userId), null);
    this.userId = null;
    this.queue = [];
  }
  persist() {
    if (!this.userId) return Promise.resolve();
    return writeJson(this.realtime.session.storage, this.key(this.userId), this.queue.length ? this.queue : null);
  }
  key(userId) {
    return `${this.realtime.session.storageKey}:outbox:${userId}`;
  }
};

// client/src/roomEvents.ts
var REMEMBERED_IDS = 1e3;
var RoomStream = class {
  constructor(realtime2, room2, handlers, options) {
    this.realtime = realtime2;
    this.room = room2;
    this.handlers = handlers;
    this.lastId = options.since ?? null;
    this.variables = { room: room2, since: this.lastId, excludeSelf: options.excludeSelf ?? false };
    const stopSignedOut = realtime2.session.on("signedOut", () => this.fail(new KitError("SIGNED_OUT", "Signed out")));
    const stopConnected = realtime2.on("connected", (wasRetry) => {
      if (wasRetry && this.emptyAtStart && this.lastId === null && this.unsubscribe) void this.restart();
    });
    this.stopListening = () => {
      stopSignedOut();
      stopConnected();
    };
    void this.start(options.since === void 0 || options.since === null);
  }
  realtime;
  room;
  handlers;
  disposed = false;
  lastId;
  /** The room had no message when the stream began, and none was delivered since. */
  emptyAtStart = false;
  delivered = /* @__PURE__ */ new Set();
  variables;
  unsubscribe = null;
  attempt = 0;
  stopListening;
  /** The id of the last message delivered (or the `since` it started from). */
  get lastMessageId() {
    return this.lastId;
  }
  /** Ends the stream: no event after this, no resubscribe. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.stopListening();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
  async start(anchor) {
    try {
      if (anchor) await this.anchor();
      if (this.emptyAtStart && this.lastId === null) await this.catchUp();
    } catch (error) {
      return this.onFailure(error, () => this.start(anchor));
    }
    this.subscribe();
  }
  /** Starts at the room's newest message, so a drop before the first live message loses nothing. */
  async anchor() {
    const { room: room2 } = await this.realtime.request(RoomLatestMessageDocument, { room: this.room });
    if (!room2) throw new KitError("NOT_FOUND", `Room ${this.room} not found`);
    this.lastId = room2.messages.edges[0]?.node.id ?? null;
    this.emptyAtStart = this.lastId === null;
    this.variables.since = this.lastId;
  }
  /** Delivers the history of a room that was empty when the stream began, oldest first. */
  async catchUp() {
    let after = null;
    for (; ; ) {
      const result = await this.realtime.request(RoomMessagesFromStartDocument, { room: this.room, after });
      const page = result.room?.messages;
      if (!page || this.disposed) return;
      for (const { node } of page.edges) this.deliver({ __typename: "MessagePosted", message: node });
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }
  subscribe() {
    if (this.disposed) return;
    this.unsubscribe = this.realtime.client.subscribe(
      { query: RoomEventsDocument.toString(), variables: this.variables },
      {
        next: (result) => {
          if (result.errors?.length) this.onFailure(result.errors, () => this.restart());
          else if (result.data) this.deliver(result.data.roomEvents);
        },
        error: (error) => this.onFailure(error, () => this.restart()),
        // The server ended the stream (e.g. shutting down): carry on, resuming.
        complete: () => {
          if (!this.disposed) void this.afterBackoff(() => this.restart());
        }
      }
    );
  }
  async restart() {
    const previous = this.unsubscribe;
    this.unsubscribe = null;
    previous?.();
    if (this.disposed) return;
    if (this.emptyAtStart && this.lastId === null) {
      try {
        await this.catchUp();
      } catch (error) {
        return this.onFailure(error, () => this.restart());
      }
    }
    this.subscribe();
  }
  deliver(event) {
    if (this.disposed) return;
    if (event.__typename === "MessagePosted") {
      const { id } = event.message;
      if (this.delivered.has(id)) return;
      this.delivered.add(id);
      if (this.delivered.size > REMEMBERED_IDS) this.delivered.delete(this.delivered.values().next().value);
      this.lastId = id;
      this.variables.since = id;
    }
    this.attempt = 0;
    this.handlers.next(event);
  }
  onFailure(error, retry) {
    if (this.disposed) return;
    if (!this.realtime.session.signedIn) return this.fail(new KitError("SIGNED_OUT", "Signed out"));
    const failure = classifyFailure(error);
    if (failure.action === "fatal") return this.fail(failure.error);
    void this.afterBackoff(retry);
  }
  async afterBackoff(retry) {
    const previous = this.unsubscribe;
    this.unsubscribe = null;
    previous?.();
    await this.realtime.waitBackoff(this.attempt++);
    if (!this.disposed) await retry();
  }
  fail(error) {
    if (this.disposed) return;
    this.dispose();
    this.handlers.error?.(error);
  }
};

// client/src/realtime.ts
var Realtime = class {
  session;
  /** The graphql-ws client: for the urql and Apollo adapters, or the app's own operations. */
  client;
  events = new Emitter();
  urls;
  backoff;
  outbox;
  urlIndex = 0;
  currentStatus = "idle";
  disposed = false;
  /** The access token the current socket is authenticated with. */
  socketToken = null;
  /** A token the server refused (4403): the next connection must not send it again. */
  refusedToken = null;
  /** connection_init refusals in a row with a token fresh from a refresh. */
  initRefusals = 0;
  acknowledged = false;
  renewTimer;
  renewing = null;
  stopListening;
  constructor(options) {
    this.session = options.session;
    this.urls = typeof options.url === "string" ? [options.url] : options.url?.length ? options.url : [options.session.url.replace(/^http/, "ws")];
    this.backoff = options.backoff ?? {};
    const keepAlive = options.keepAliveMs ?? 1e4;
    const pongTimeoutMs = options.pongTimeoutMs ?? 5e3;
    let pongTimer;
    this.client = createClient({
      url: () => this.urls[this.urlIndex],
      webSocketImpl: options.webSocketImpl,
      lazy: options.lazy ?? true,
      lazyCloseTimeout: options.lazyCloseTimeoutMs ?? 5e3,
      keepAlive,
      retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
      retryWait: (retries) => waitBackoff(retries, this.backoff),
      shouldRetry: (event) => this.shouldRetry(event),
      connectionParams: () => this.connectionParams(),
      onNonLazyError: () => void 0,
      on: {
        connecting: (isRetry) => this.setStatus(isRetry ? "reconnecting" : "connecting"),
        connected: (_socket, _payload, wasRetry) => {
          this.acknowledged = true;
          this.initRefusals = 0;
          this.setStatus("connected");
          this.scheduleRenewal();
          this.events.emit("connected", wasRetry);
        },
        ping: (received) => {
          if (received || pongTimeoutMs <= 0) return;
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => this.client.terminate(), pongTimeoutMs);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          this.onClosed(event);
        }
      }
    });
    this.outbox = new Outbox(this);
    const stopTokens = this.session.on("tokens", () => {
      if (this.currentStatus === "connected" && this.session.currentAccessToken() !== this.socketToken) void this.renewSocketToken();
    });
    const stopSignedOut = this.session.on("signedOut", () => {
      clearTimeout(this.renewTimer);
      if (this.currentStatus === "connected") this.client.terminate();
    });
    this.stopListening = () => {
      stopTokens();
      stopSignedOut();
    };
  }
  get status() {
    return this.currentStatus;
  }
  on(event, listener) {
    return this.events.on(event, listener);
  }
  /**
   * A room's events as one continuous stream: every message exactly once, in history order,
   * across reconnects, server restarts and moves to another instance; presence events as they
   * come. Without `since`, the stream starts at the room's newest message.
   */
  roomEvents(room2, handlers, options = {}) {
    if (this.disposed) throw new KitError("DISPOSED", "This realtime client was disposed");
    return new RoomStream(this, room2, handlers, options);
  }
  /**
   * Posts a message with a clientMessageId kept until the receipt arrives: queued (and stored)
   * while offline, over the socket when it is up, else HTTP; retried with the same id, so the
   * server stores it once.
   */
  sendMessage(room2, text) {
    if (this.disposed) return Promise.reject(new KitError("DISPOSED", "This realtime client was disposed"));
    return this.outbox.send(room2, text);
  }
  /** Messages sent but not yet receipted, oldest first (also those restored from storage). */
  pendingMessages() {
    return this.outbox.pending();
  }
  /** One operation over the socket; resolves with its data. */
  request(document2, variables) {
    return new Promise((resolve, reject) => {
      let data;
      this.client.subscribe(
        { query: document2.toString(), variables },
        {
          next: (result) => {
            if (result.errors?.length) reject(classifyFailure(result.errors).error);
            else data = result.data ?? void 0;
          },
          error: (error) => reject(classifyFailure(error).error),
          complete: () => data !== void 0 ? resolve(data) : reject(new KitError("DISPOSED", "The operation ended without a result"))
        }
      );
    });
  }
  /** Waits for a reconnect backoff (shared by streams and the outbox); a new connection ends it early. */
  waitBackoff(attempt) {
    let stop = () => {
    };
    const connected = new Promise((resolve) => stop = this.on("connected", resolve));
    return waitBackoff(attempt, this.backoff, connected).finally(stop);
  }
  /** For the outbox. */
  emitReceipt(sent) {
    this.events.emit("receipt", sent);
  }
  /** For the outbox. */
  emitSendFailed(message, error) {
    this.events.emit("sendFailed", { message, error });
  }
  async dispose() {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.renewTimer);
    this.stopListening();
    this.outbox.dispose();
    this.setStatus("closed");
    await this.client.dispose();
    this.events.clear();
  }
  get isDisposed() {
    return this.disposed;
  }
  async connectionParams() {
    this.acknowledged = false;
    let token = await this.session.accessToken().catch((error) => this.unlessSignedOut(error, this.session.currentAccessToken()));
    if (token && token === this.refusedToken) {
      token = await this.session.refresh().catch((error) => this.unlessSignedOut(error, null));
    }
    this.refusedToken = null;
    this.socketToken = token;
    return token ? { authorization: `Bearer ${token}` } : {};
  }
  /** Signed out ends the connection attempt (graphql-ws closes 4004, fatal); anything else (offline) falls back. */
  unlessSignedOut(error, fallback) {
    if (error instanceof KitError && error.code === "SIGNED_OUT") throw error;
    return fallback;
  }
  shouldRetry(event) {
    if (!isCloseLike(event)) return true;
    return closeRule(event.code).action !== "fatal" && this.initRefusals < 2;
  }
  onClosed(event) {
    clearTimeout(this.renewTimer);
    const wasAcknowledged = this.acknowledged;
    this.acknowledged = false;
    if (this.disposed) return this.setStatus("closed");
    if (!isCloseLike(event)) return this.setStatus("reconnecting");
    const rule = closeRule(event.code);
    if (rule.action === "refresh") {
      this.refusedToken = this.socketToken;
      if (!wasAcknowledged) this.initRefusals += 1;
      if (this.initRefusals >= 2) return this.fail(event.code, event.reason, rule.action);
      return this.setStatus("reconnecting");
    }
    if (rule.action === "fatal") return this.fail(event.code, event.reason, rule.action);
    if (event.code === 1e3) return this.setStatus("idle");
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.setStatus("reconnecting");
  }
  fail(closeCode, reason, action) {
    this.setStatus("failed");
    const { error } = classifyFailure({ code: closeCode, reason });
    this.events.emit("problem", { closeCode, reason, action, error });
  }
  setStatus(status) {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.events.emit("status", status);
  }
  /** Renews the socket's token when the session refreshes it, or ahead of its expiry at the latest. */
  scheduleRenewal(delayMs) {
    clearTimeout(this.renewTimer);
    if (!this.socketToken || this.disposed) return;
    const due = delayMs ?? this.renewalDueIn(this.socketToken);
    this.renewTimer = setTimeout(() => void this.renewSocketToken(), Math.max(0, due));
  }
  renewalDueIn(token) {
    if (token !== this.session.currentAccessToken()) return 0;
    const dueAt = this.session.refreshDueAt();
    const times = tokenTimes(token);
    return (dueAt ?? times?.expiresAt ?? Date.now()) - Date.now();
  }
  renewSocketToken() {
    this.renewing ??= (async () => {
      try {
        const token = await this.session.accessToken();
        if (!token || this.currentStatus !== "connected") return;
        if (token !== this.socketToken) {
          await this.request(AuthenticateConnectionDocument, { accessToken: token });
          this.socketToken = token;
        }
        this.scheduleRenewal();
      } catch (error) {
        if (!(error instanceof KitError && error.code === "SIGNED_OUT")) this.scheduleRenewal(1e3);
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }
};
var createRealtime = (options) => new Realtime(options);

// client/examples/web/src/dom.ts
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
function show(element, visible) {
  element.hidden = !visible;
}
function showError(message) {
  byId("error").textContent = message ?? "";
}

// client/examples/web/src/auth.ts
var SIGNED_OUT_NOTICES = {
  logout: "Signed out.",
  "refresh-refused": "Your session ended; please sign in again.",
  "account-disabled": "This account is disabled.",
  "other-tab": "Signed out in another tab."
};
function mountAuth(session2) {
  const form = byId("auth-form");
  const notice = byId("auth-notice");
  const value = (id) => byId(id).value.trim();
  async function run(action) {
    notice.textContent = "";
    try {
      await action();
      byId("password").value = "";
    } catch (error) {
      notice.textContent = error instanceof KitError ? error.message : String(error);
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run(() => session2.login({ email: value("email"), password: byId("password").value }));
  });
  byId("register").addEventListener("click", () => {
    if (!form.reportValidity()) return;
    if (!value("display-name")) {
      notice.textContent = "Fill in a display name to register.";
      return;
    }
    void run(() => session2.register({ email: value("email"), password: byId("password").value, displayName: value("display-name") }));
  });
  return {
    notice(reason) {
      notice.textContent = SIGNED_OUT_NOTICES[reason];
    }
  };
}

// client/examples/web/src/operations.ts
var { TypedDocumentString: TypedDocumentString2 } = operations_exports;
var typed = (query) => new TypedDocumentString2(query);
var EventsDocument = typed(`
  query WebEvents($first: Int!, $after: String) {
    events(first: $first, after: $after) {
      edges { node { id title city kind startsAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
var RoomsDocument = typed(`
  query WebRooms { rooms { slug name memberCount } }
`);
var RoomDocument = typed(`
  query WebRoom($slug: String!, $last: Int!) {
    room(slug: $slug) {
      name
      memberCount
      members { id displayName }
      messages(last: $last) {
        edges { node { id text clientMessageId createdAt author { id displayName } } }
      }
    }
  }
`);

// client/examples/web/src/events.ts
var PAGE_SIZE = 10;
function mountEvents(session2) {
  const list = byId("event-list");
  const more = byId("more-events");
  let after = null;
  async function loadPage() {
    more.disabled = true;
    try {
      const { events: events2 } = await session2.request(EventsDocument, { first: PAGE_SIZE, after });
      for (const { node } of events2.edges) {
        const when = new Date(node.startsAt).toLocaleString(void 0, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
        list.append(el("li", { "data-id": node.id }, el("strong", {}, node.title), ` \xB7 ${node.kind.toLowerCase()} \xB7 ${node.city} \xB7 ${when} UTC`));
      }
      after = events2.pageInfo.endCursor;
      show(more, events2.pageInfo.hasNextPage);
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
    }
  };
}

// client/examples/web/src/room.ts
var HISTORY = 50;
function mountRoom(realtime2) {
  const section = byId("room");
  const messages = byId("messages");
  const outbox = byId("outbox");
  const members = /* @__PURE__ */ new Map();
  let stream = null;
  let slug = null;
  const renderMembers = (count) => {
    byId("member-count").textContent = String(count);
    byId("member-list").replaceChildren(...[...members].map(([id, name]) => el("li", { "data-id": id }, name)));
  };
  const showMessage = (message) => {
    if (message.clientMessageId) outbox.querySelector(`[data-client-id="${CSS.escape(message.clientMessageId)}"]`)?.remove();
    const time = new Date(message.createdAt).toLocaleTimeString();
    messages.append(el("li", { "data-id": message.id }, el("b", {}, message.author.displayName), " ", el("span", { class: "text" }, message.text), ` \xB7 ${time}`));
    messages.scrollTop = messages.scrollHeight;
  };
  const onEvent = (event) => {
    if (event.__typename === "MessagePosted") return showMessage(event.message);
    if (event.__typename === "MemberJoined") members.set(event.user.id, event.user.displayName);
    else members.delete(event.user.id);
    renderMembers(event.memberCount);
  };
  const pending = (text, clientMessageId) => el("li", clientMessageId ? { "data-client-id": clientMessageId } : {}, `${text} (sending\u2026)`);
  realtime2.on("receipt", (sent) => outbox.querySelector(`[data-client-id="${CSS.escape(sent.clientMessageId)}"]`)?.remove());
  realtime2.on("sendFailed", ({ message, error }) => showError(`Not sent (${error.code}): ${message.text}`));
  byId("send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byId("send-text");
    const text = input.value.trim();
    if (!text || !slug) return;
    input.value = "";
    const item = pending(text);
    outbox.append(item);
    realtime2.sendMessage(slug, text).catch((error) => showError(`Not sent: ${error.message}`)).finally(() => item.remove());
  });
  function close() {
    stream?.dispose();
    stream = null;
    slug = null;
    show(section, false);
  }
  async function open(next) {
    close();
    slug = next;
    const { room: room2 } = await realtime2.session.request(RoomDocument, { slug: next, last: HISTORY });
    if (!room2 || slug !== next) return;
    byId("room-name").textContent = room2.name;
    members.clear();
    for (const member of room2.members) members.set(member.id, member.displayName);
    renderMembers(room2.memberCount);
    messages.replaceChildren();
    outbox.replaceChildren(...realtime2.pendingMessages().filter((m) => m.room === next).map((m) => pending(m.text, m.clientMessageId)));
    const history2 = room2.messages.edges.map((edge) => edge.node);
    history2.forEach(showMessage);
    stream = realtime2.roomEvents(next, { next: onEvent, error: (error) => showError(`Room closed: ${error.message}`) }, { since: history2.at(-1)?.id ?? null });
    show(section, true);
  }
  return { open, close };
}

// client/examples/web/src/rooms.ts
function mountRooms(session2, open) {
  const list = byId("room-list");
  const enter = (slug) => {
    history.replaceState(null, "", `#room=${encodeURIComponent(slug)}`);
    open(slug).catch((error) => showError(`Could not open the room: ${error.message}`));
  };
  return {
    async reload() {
      try {
        const { rooms: rooms2 } = await session2.request(RoomsDocument, {});
        list.replaceChildren(
          ...rooms2.map((room2) => {
            const button = el("button", { type: "button", "data-room": room2.slug }, room2.name);
            button.addEventListener("click", () => enter(room2.slug));
            return el("li", {}, button);
          })
        );
      } catch (error) {
        showError(`Could not load rooms: ${error instanceof Error ? error.message : String(error)}`);
      }
      const remembered = new URLSearchParams(location.hash.slice(1)).get("room");
      if (remembered) enter(remembered);
    }
  };
}

// client/examples/web/src/status.ts
function shown(status) {
  if (!navigator.onLine) return "offline";
  if (status === "connected" || status === "idle") return "online";
  if (status === "connecting" || status === "reconnecting") return "connecting";
  return "offline";
}
function mountStatus(realtime2) {
  const indicator = byId("status");
  const render2 = () => {
    const value = shown(realtime2.status);
    indicator.dataset.status = value;
    indicator.textContent = value;
  };
  realtime2.on("status", render2);
  window.addEventListener("online", render2);
  window.addEventListener("offline", render2);
  render2();
}

// client/examples/web/src/main.ts
var session = createSession({ url: new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:39935/graphql" });
var realtime = createRealtime({ session, keepAliveMs: 5e3, pongTimeoutMs: 3e3 });
var auth = mountAuth(session);
var events = mountEvents(session);
var room = mountRoom(realtime);
var rooms = mountRooms(session, room.open);
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
var shownUserId = null;
session.on("tokens", (tokens) => {
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
//# sourceMappingURL=main.js.map
