import type { Services } from "../services/index.js";
import type { Context } from "./context.js";

export interface ContextInput {
  requestId: string;
  clientIp: string;
  transport: Context["transport"];
  authorization: string | null;
}

export async function createContext(services: Services, input: ContextInput): Promise<Context> {
  return {
    requestId: input.requestId,
    clientIp: input.clientIp,
    transport: input.transport,
    viewer: null,
    services,
  };
}
