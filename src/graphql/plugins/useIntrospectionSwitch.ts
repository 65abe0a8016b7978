// INTROSPECTION=false: __schema and __type queries fail validation on both transports
// (__typename stays allowed). Yoga's own plugin keys on the HTTP request, which a graphql-ws
// operation does not have, so this adds the rule itself.
import { NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";

export function useIntrospectionSwitch(enabled: boolean): Plugin {
  if (enabled) return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
