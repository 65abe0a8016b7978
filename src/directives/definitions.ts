import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLSchema,
} from "graphql";

/** The SDL definitions of @auth and @rateLimit, as the contract states them. */
export function directiveDefinitions(schema: GraphQLSchema): GraphQLDirective[] {
  const role = schema.getType("Role");
  if (!(role instanceof GraphQLEnumType)) throw new Error("the Role enum must be registered before the directives");
  return [
    new GraphQLDirective({
      name: "auth",
      locations: [DirectiveLocation.FIELD_DEFINITION],
      args: { requires: { type: role, defaultValue: "USER" } },
    }),
    new GraphQLDirective({
      name: "rateLimit",
      locations: [DirectiveLocation.FIELD_DEFINITION],
      args: {
        max: { type: new GraphQLNonNull(GraphQLInt) },
        window: { type: new GraphQLNonNull(GraphQLString) },
        identityArgs: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
      },
    }),
  ];
}
