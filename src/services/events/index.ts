export {
  createEventService,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type EventService,
  type Actor,
  type EventListArgs,
} from "./service.js";
export { DEFAULT_ORDER, type EventOrderInput, type EventSortField } from "./ordering.js";
export { isIanaTimeZone, type EventFilter, type EventInput, type EventPatch } from "./validation.js";
