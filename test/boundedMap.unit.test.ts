// The caches of verified tokens and known rooms must not grow without bound.
import { describe, expect, it } from "vitest";
import { BoundedMap } from "../src/boundedMap.js";

describe("BoundedMap", () => {
  it("forgets the oldest entry when a new key would pass the limit, not when a key is replaced", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    map.set("a", 10); // replacing keeps the size
    expect([...map]).toEqual([
      ["a", 10],
      ["b", 2],
    ]);
    map.set("c", 3);
    expect([...map.keys()]).toEqual(["b", "c"]);
    expect(map.size).toBe(2);
  });
});
