// Shared by every sortable list. Connection arguments come from `t.arg.connectionArgs()`;
// services/pagination validates them and names the offending argument.
import { builder } from "./builder.js";

export const SortDirectionEnum = builder.enumType("SortDirection", { values: ["ASC", "DESC"] as const });
