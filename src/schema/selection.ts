// Which fields a query selects below a resolver, so a list can read only the columns its rows
// will be asked for. The answer depends on the document alone (fragments included, @skip/@include
// ignored: a superset), so it is computed once per field node and cached with it; yoga's parser
// cache hands back the same AST for the same query text.
import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from "graphql";

type Fragments = Record<string, FragmentDefinitionNode>;

/** Every field selected directly in `set`, looking through inline fragments and fragment spreads. */
function fieldsOf(set: SelectionSetNode | undefined, fragments: Fragments, into: FieldNode[] = []): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === "Field") into.push(selection);
    else if (selection.kind === "InlineFragment") fieldsOf(selection.selectionSet, fragments, into);
    else fieldsOf(fragments[selection.name.value]?.selectionSet, fragments, into);
  }
  return into;
}

const cache = new WeakMap<FieldNode, Map<string, ReadonlySet<string>>>();

/**
 * The names of the fields selected at `path` below the current field (e.g. ["edges", "node"]),
 * whatever their aliases.
 */
export function selectedFieldsAt(info: GraphQLResolveInfo, path: readonly string[]): ReadonlySet<string> {
  const key = path.join(".");
  const root = info.fieldNodes[0]!;
  const known = cache.get(root)?.get(key);
  // Several field nodes (the same field selected twice and merged) are rare: not cached.
  if (known && info.fieldNodes.length === 1) return known;
  let level: FieldNode[] = [...info.fieldNodes];
  for (const name of path) {
    level = level.flatMap((node) => fieldsOf(node.selectionSet, info.fragments)).filter((field) => field.name.value === name);
  }
  const names = new Set(level.flatMap((node) => fieldsOf(node.selectionSet, info.fragments)).map((field) => field.name.value));
  if (info.fieldNodes.length === 1) {
    if (!cache.has(root)) cache.set(root, new Map());
    cache.get(root)!.set(key, names);
  }
  return names;
}
