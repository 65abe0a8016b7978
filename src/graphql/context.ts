// What every resolver receives. Built per HTTP request, and per operation on a WebSocket.
import type { Services } from "../services/index.js";
import type { Role } from "../generated/prisma/enums.js";

export interface Viewer {
  id: string;
  role: Role;
  /** When the access token this viewer was authenticated with stops being valid. */
  tokenExpiresAt: Date;
}

export interface Context {
  requestId: string;
  clientIp: string;
  transport: "http" | "ws";
  viewer: Viewer | null;
  services: Services;
}
