// Something worked out once per parsed document, or per operation of one (yoga's parser cache hands
// back the same DocumentNode for the same text), and forgotten with the document. One server has
// one schema, so the schema is handed to `compute` but not part of the key.
import { getOperationAST, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";

export function perOperation<T>(
  compute: (schema: GraphQLSchema, operation: OperationDefinitionNode | null, document: DocumentNode) => T,
) {
  const byDocument = new WeakMap<DocumentNode, Map<string, T>>();
  return (schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): T => {
    let byOperation = byDocument.get(document);
    if (!byOperation) byDocument.set(document, (byOperation = new Map()));
    const key = operationName ?? "";
    if (!byOperation.has(key)) byOperation.set(key, compute(schema, getOperationAST(document, operationName) ?? null, document));
    return byOperation.get(key)!;
  };
}

export function perDocument<T>(compute: (document: DocumentNode) => T) {
  const byDocument = new WeakMap<DocumentNode, T>();
  return (document: DocumentNode): T => {
    if (!byDocument.has(document)) byDocument.set(document, compute(document));
    return byDocument.get(document)!;
  };
}
