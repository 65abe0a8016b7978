import { AppError, errorStatus } from "../errors.js";
import type { Viewer } from "../identity/viewer.js";
import type { Services } from "../services/index.js";
import type { AuthenticatedConnection } from "../realtime/sessions/connections.js";
import { ApiError } from "./apiError.js";
import type { Context, DirectDelivery } from "./context.js";

export interface ContextInput {
  requestId: string;
  clientIp: string;
  transport: Context["transport"];
  authorization: string | null;
  /**
   * An already-authenticated viewer (the WebSocket transport passes its socket's viewer). When
   * present it wins over `authorization`; null means anonymous.
   */
  viewer?: Viewer | null;
  /** The WebSocket connection (authenticateConnection replaces its viewer); absent over HTTP. */
  connection?: AuthenticatedConnection | null;
  /** How a graphql-ws subscription's results can be sent without its iterator; absent otherwise. */
  directDelivery?: DirectDelivery;
}

/**
 * A bad or expired token fails the whole request (INVALID_TOKEN / TOKEN_EXPIRED) rather than
 * running it anonymously, so clients know to refresh. On HTTP that is a 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750).
 */
async function resolveViewer(services: Services, input: ContextInput) {
  if (input.viewer !== undefined) return input.viewer;
  try {
    return await services.identity.viewerFromAuthorization(input.authorization);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (input.transport !== "http") throw ApiError.from(error);
    const status = errorStatus[error.code];
    const headers = status === 401 ? { "WWW-Authenticate": 'Bearer error="invalid_token"' } : {};
    throw ApiError.from(error, { http: { status, headers } });
  }
}

export async function createContext(services: Services, input: ContextInput): Promise<Context> {
  const viewer = await resolveViewer(services, input);
  return {
    requestId: input.requestId,
    clientIp: input.clientIp,
    transport: input.transport,
    viewer,
    connection: input.connection ?? null,
    directDelivery: input.directDelivery,
    services,
  };
}
