// Page-number pagination (page from 1) for clients that want "page 3 of 12".
import { z } from "zod";
import { parseInput, schemaPer } from "../../validation.js";

export interface PageArgs {
  page: number;
  pageSize: number;
}

export interface NumberedPage<Item> {
  items: Item[];
  page: number;
  pageSize: number;
  total: number;
  hasMore: boolean;
}

const pageWindowSchema = schemaPer((maxPageSize: number) =>
  z.object({
    page: z.int().min(1, { message: "must be at least 1" }),
    pageSize: z
      .int()
      .min(1, { message: `must be between 1 and ${maxPageSize}` })
      .max(maxPageSize, { message: `must be between 1 and ${maxPageSize}` }),
  }),
);

/** Validates page ≥ 1 and pageSize 1..max; returns the rows to skip and take. */
export function offsetWindow(args: PageArgs, maxPageSize: number): { skip: number; take: number } {
  const { page, pageSize } = parseInput(pageWindowSchema(maxPageSize), args);
  return { skip: (page - 1) * pageSize, take: pageSize };
}

/** Assembles the page from its rows and the total the same filter matches. */
export function numberedPage<Item>(args: PageArgs, items: Item[], total: number): NumberedPage<Item> {
  return { items, page: args.page, pageSize: args.pageSize, total, hasMore: args.page * args.pageSize < total };
}
