// Operation names come from clients, so a metric label holding them could grow without bound
// (every distinct name is a new time series kept in memory forever). The first `max` distinct
// names are kept; later ones, and implausibly long ones, share one label value.
export const OTHER_LABEL = "__other__";
export const ANONYMOUS_LABEL = "__anonymous__";

const MAX_NAME_LENGTH = 100;

export function labelBudget(max: number) {
  const seen = new Set<string>();
  return (name: string | null | undefined): string => {
    if (!name) return ANONYMOUS_LABEL;
    if (seen.has(name)) return name;
    if (name.length > MAX_NAME_LENGTH || seen.size >= max) return OTHER_LABEL;
    seen.add(name);
    return name;
  };
}
