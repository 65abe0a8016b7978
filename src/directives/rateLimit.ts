// Enforces @rateLimit(max, window, identityArgs) from the built schema itself, so the directive
// printed in schema.graphql is the one source of truth. graphql-rate-limit builds the identity
// and takes the decision; the store behind it (ctx.services.rateLimit.store) decides and records
// each call atomically, which the library's own stores do not (they read, then write).
import { getDirective, MapperKind, mapSchema } from "@graphql-tools/utils";
import {
  defaultFieldResolver,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { getGraphQLRateLimiter, type Identity, type Store } from "graphql-rate-limit";
import { parseDurationSeconds } from "../config/index.js";
import { AppError } from "../errors.js";
import type { Context } from "../graphql/context.js";
import { identityFromArguments, RATE_LIMIT_IDENTITY, type RateLimitIdentify } from "./rateLimitIdentity.js";
import { retryAfterSeconds, type RateLimitDecision, type RateLimitRule } from "../services/rateLimit/index.js";

interface FieldLimit {
  /** Schema coordinate, e.g. "Mutation.login". */
  coordinate: string;
  rule: RateLimitRule;
  /** The window as written in the directive, for messages. */
  window: string;
  identityArgs: string[];
  /** The field's own way to name whose budget a call spends (see rateLimitIdentity.ts). */
  identify?: RateLimitIdentify;
}

/** Whose budget a call spends: the signed-in user's, else the client address's. */
export function callerIdentity(context: Pick<Context, "viewer" | "clientIp">): string {
  return context.viewer ? `user:${context.viewer.id}` : `ip:${context.clientIp}`;
}

/** The store key of one budget: caller, then the field and the values of its identityArgs. */
export function budgetKey(typeName: string, identity: Identity): string {
  return `${identity.contextIdentity}|${typeName}.${identity.fieldIdentity}`;
}

export { retryAfterSeconds };

/**
 * A graphql-rate-limit Store over our atomic store. `getForIdentity` decides and records the call
 * in one step and `setForIdentity` has nothing left to do. The store has already dropped calls
 * outside the window on its own clock; the library filters what it gets against a later
 * Date.now(), which at a window edge could disagree, so the counted calls are handed over as
 * markers that never expire and the library's count equals the store's.
 */
function atomicStore(
  context: Context,
  limit: FieldLimit,
  typeName: string,
  onDecision: (decision: RateLimitDecision) => void,
): Store {
  return {
    async getForIdentity(identity) {
      const decision = await context.services.rateLimit.store.hit(budgetKey(typeName, identity), limit.rule);
      onDecision(decision);
      return new Array<number>(decision.previousCalls).fill(Number.POSITIVE_INFINITY);
    },
    setForIdentity: () => undefined,
  };
}

const tooManyCalls = (limit: FieldLimit, fieldName: string) =>
  `Too many calls to ${fieldName}: at most ${limit.rule.max} per ${limit.window}`;

function refusal(limit: FieldLimit, context: Context, message: string, retryAfterMs: number): AppError {
  const retryAfter = retryAfterSeconds(retryAfterMs);
  context.services.rateLimit.recordRejection({ field: limit.coordinate, retryAfterSeconds: retryAfter });
  return new AppError("RATE_LIMITED", message, { retryAfter });
}

async function enforce(
  limit: FieldLimit,
  source: unknown,
  args: Record<string, unknown>,
  context: Context,
  info: GraphQLResolveInfo,
) {
  let identity = callerIdentity(context);
  if (limit.identify) {
    const unknownKey = budgetKey(info.parentType.name, { contextIdentity: identity, fieldIdentity: `${info.fieldName}:unknown` });
    const refuse = (retryAfterMs: number) => refusal(limit, context, tooManyCalls(limit, info.fieldName), retryAfterMs);
    const named = await identityFromArguments(limit.identify, args, context, unknownKey, limit.rule, refuse);
    // Naming nothing known, the call has spent its slot of unknown names; the resolver refuses it.
    if (named === null) return;
    identity = named;
  }
  let decision: RateLimitDecision | undefined;
  // A limiter per call: the decision (and its retry time) belongs to this call alone.
  const limiter = getGraphQLRateLimiter({
    identifyContext: () => identity,
    store: atomicStore(context, limit, info.parentType.name, (d) => (decision = d)),
    formatError: ({ fieldName }) => tooManyCalls(limit, fieldName),
  });
  const message = await limiter(
    { parent: source, args, context, info },
    { max: limit.rule.max, window: `${limit.rule.windowMs}ms`, identityArgs: limit.identityArgs },
  );
  if (message === undefined) return;
  throw refusal(limit, context, message, decision?.retryAfterMs ?? limit.rule.windowMs);
}

function limited(resolver: GraphQLFieldResolver<unknown, Context>, limit: FieldLimit): GraphQLFieldResolver<unknown, Context> {
  return async (source, args, context, info) => {
    await enforce(limit, source, args, context, info);
    return resolver(source, args, context, info);
  };
}

/** Reads and checks the directive's arguments once, when the schema is built. */
function fieldLimit(
  coordinate: string,
  fieldConfig: GraphQLFieldConfig<unknown, Context>,
  directive: Record<string, unknown>,
): FieldLimit {
  const fail = (problem: string): never => {
    throw new Error(`@rateLimit on ${coordinate}: ${problem}`);
  };
  const max = directive.max;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1) fail(`max must be a positive integer, got ${String(max)}`);
  const window = String(directive.window);
  const seconds = parseDurationSeconds(window);
  const windowMs = seconds === null ? 0 : Math.round(seconds * 1000);
  if (windowMs < 1) fail(`window must be a duration such as 10s or 15m, got "${window}"`);
  const identityArgs = (directive.identityArgs as string[] | undefined) ?? [];
  for (const path of identityArgs) {
    const argument = path.split(".")[0]!;
    if (!fieldConfig.args || !Object.hasOwn(fieldConfig.args, argument))
      fail(`identityArgs names "${path}", which is no argument`);
  }
  const identify = fieldConfig.extensions?.[RATE_LIMIT_IDENTITY];
  if (identify !== undefined && typeof identify !== "function") fail(`the ${RATE_LIMIT_IDENTITY} extension must be a function`);
  return {
    coordinate,
    rule: { max: max as number, windowMs },
    window,
    identityArgs,
    identify: identify as RateLimitIdentify | undefined,
  };
}

export function applyRateLimitDirective(schema: GraphQLSchema, directiveName = "rateLimit"): GraphQLSchema {
  if (!schema.getDirective(directiveName)) throw new Error(`@${directiveName} is not defined in the schema`);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig: GraphQLFieldConfig<unknown, Context>, fieldName, typeName) => {
      const directive = getDirective(schema, fieldConfig, directiveName)?.[0];
      if (!directive) return fieldConfig;
      const limit = fieldLimit(`${typeName}.${fieldName}`, fieldConfig, directive);
      // A subscription is limited where it starts, not on every event it delivers.
      if (fieldConfig.subscribe) return { ...fieldConfig, subscribe: limited(fieldConfig.subscribe, limit) };
      return { ...fieldConfig, resolve: limited(fieldConfig.resolve ?? defaultFieldResolver, limit) };
    },
  });
}
