// Whether a field's value depends on who asks. Declared on the field where it is defined
// (`extensions: viewerDependent` in its Pothos options) and read back from the schema, so the
// shared execution of subscription events (../realtime/delivery/useSharedSubscriptionExecution.ts) shares a
// result that selects such a field only between subscribers with the same viewer. A new field that
// reads the viewer needs this declaration, and nothing anywhere else.
import { isInterfaceType, isObjectType, type GraphQLSchema } from "graphql";

const KEY = "viewerDependent";

/** Field extensions declaring that the field's value differs by viewer. */
export const viewerDependent: Readonly<Record<string, unknown>> = { [KEY]: true };

const declared = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/**
 * "Type.field" coordinates of every viewer-dependent field. An interface field counts when any
 * implementation's field is declared (a document may select it through the interface), and each
 * implementation's field counts when the interface's is.
 */
export function viewerDependentFields(schema: GraphQLSchema): ReadonlySet<string> {
  const known = declared.get(schema);
  if (known) return known;
  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions?.[KEY] !== true) continue;
      coordinates.add(`${type.name}.${field.name}`);
      const related = isInterfaceType(type) ? schema.getPossibleTypes(type) : type.getInterfaces();
      for (const other of related) if (other.getFields()[field.name]) coordinates.add(`${other.name}.${field.name}`);
    }
  }
  declared.set(schema, coordinates);
  return coordinates;
}
