// Who is asking: the signed-in user an operation runs for. Built by src/identity from an access
// token; services take it as their actor, the API edge keeps it in the context.
import type { Role } from "../generated/prisma/enums.js";

export interface Viewer {
  id: string;
  role: Role;
  /** When the access token this viewer was authenticated with stops being valid. */
  tokenExpiresAt: Date;
  /** The login session (refresh-token family) of the access token; always set by verifyAccessToken. */
  sessionId?: string;
}
