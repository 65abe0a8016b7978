// auditLog: the mutation audit trail for ADMIN, newest first, as a Relay connection.
// Entries are written by graphql/plugins/useAudit.ts.
import { z } from "zod";
import type { AuditLog } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { decodeIdOf, encodeGlobalId } from "./globalId.js";
import { User } from "./users.js";

export const DEFAULT_AUDIT_PAGE = 20;
export const MAX_AUDIT_PAGE = 100;

const AuditLogEntry = builder.objectRef<AuditLog>("AuditLogEntry").implement({
  description: "One mutation call: who made it, on what, and how it ended",
  fields: (t) => ({
    id: t.exposeID("id"),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the mutation ran" }),
    operation: t.exposeString("operation", { description: "The mutation field, e.g. login" }),
    outcome: t.exposeString("outcome", { description: "OK, or the error code the client received (e.g. UNAUTHENTICATED)" }),
    targetId: t.exposeString("targetId", {
      nullable: true,
      description: "The id argument, or the id of the record the mutation returned",
    }),
    userId: t.id({
      nullable: true,
      description: "The signed-in caller; null when anonymous (e.g. login, register)",
      resolve: (entry) => (entry.userId ? encodeGlobalId("User", entry.userId) : null),
    }),
    user: t.field({ type: User, nullable: true, resolve: (entry) => entry.userId }),
    requestId: t.exposeString("requestId", { nullable: true }),
    clientIp: t.exposeString("clientIp", { nullable: true }),
  }),
});

const AuditLogConnection = builder.connectionObject(
  { type: AuditLogEntry, name: "AuditLogConnection" },
  { name: "AuditLogEdge" },
);

const AuditLogFilter = builder.inputType("AuditLogFilter", {
  fields: (t) => ({
    userId: t.id({ description: "Calls made by this user" }),
    operation: t.string({ description: "Mutation field name, e.g. login" }),
    outcome: t.string({ description: "OK, or an error code such as UNAUTHENTICATED" }),
    since: t.field({ type: "DateTime", description: "createdAt >= since" }),
    until: t.field({ type: "DateTime", description: "createdAt < until" }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.field({
    type: AuditLogConnection,
    description: `Every mutation call, newest first. first: 1..${MAX_AUDIT_PAGE}, default ${DEFAULT_AUDIT_PAGE}.`,
    directives: { auth: { requires: "ADMIN" } },
    args: {
      first: t.arg.int({ validate: { schema: z.number().int().min(1).max(MAX_AUDIT_PAGE) } }),
      after: t.arg.string(),
      filter: t.arg({ type: AuditLogFilter }),
    },
    resolve: async (_root, { first, after, filter }, { services }) => {
      const page = await services.audit.page({
        first: first ?? DEFAULT_AUDIT_PAGE,
        after,
        filter: filter ? { ...filter, userId: filter.userId != null ? decodeIdOf("User", filter.userId) : null } : undefined,
      });
      const edges = page.entries.map((node) => ({ cursor: services.audit.cursorOf(node), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: Boolean(after),
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: page.totalCount,
      };
    },
  }),
);
