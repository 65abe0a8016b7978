// Builds the schema from the domain files. Directive definitions are added here and the
// directive transformers make the printed @auth/@rateLimit the one source of enforcement.
import { type GraphQLDirective, GraphQLSchema, lexicographicSortSchema } from "graphql";
import { builder } from "./builder.js";
import { applyAuthDirective } from "../directives/auth.js";
import { directiveDefinitions } from "../directives/definitions.js";
import { withTypedDirectiveArguments } from "../directives/typedArguments.js";
import { applyRateLimitDirective } from "../directives/rateLimit.js";
import "./scalars.js";
import "./users.js";
import "./auth.js";
import "./admin.js";
import "./audit.js";
import "./rooms.js";
import "./events.js";

const built = builder.toSchema();

function withDirectiveDefinitions(schema: GraphQLSchema, directives: GraphQLDirective[]) {
  return new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), ...directives] });
}

/** The schema as printed to schema.graphql (sorted, directives included). */
export const printableSchema = withTypedDirectiveArguments(
  lexicographicSortSchema(withDirectiveDefinitions(built, directiveDefinitions(built))),
);

/**
 * The executable schema: the printed one with each directive transformer applied in turn.
 * The last applied wraps outermost and runs first: @auth is checked before @rateLimit, so callers
 * refused by @auth (anonymous, or role too low) never spend a budget, and a signed-in user's
 * budget is spent only on calls they may make.
 */
export const schema = applyAuthDirective(applyRateLimitDirective(printableSchema));
