// Direct delivery of shared subscription results (see useSharedSubscriptionExecution): per
// operation key, the events waiting for their one execution, in arrival order, each with the
// subscribers to send it to. The result is serialized once per event and key, whatever the
// number of subscribers, and each subscriber gets its events in order.
import type { ExecutionResult } from "graphql";
import type { DirectDelivery } from "../../graphql/context.js";

export interface Recipient {
  delivery: DirectDelivery;
  /** Hands the event back to the subscription's own (pull) path, for good. */
  toReader(event: unknown): void;
  /** Set once the recipient went back to its own path: nothing is sent to it directly any more. */
  fellBack?: boolean;
}

interface Pending {
  event: unknown;
  result: Promise<ExecutionResult | null>;
  recipients: Recipient[];
}

export class DeliveryGroups {
  private readonly pending = new Map<string, Pending[]>();
  /**
   * `execute` runs only for the first recipient of an event under `key`. It takes the event, so a
   * subscription passes one function for all its events (no allocation per event and subscriber).
   */
  add(key: string, event: unknown, recipient: Recipient, execute: (event: unknown) => Promise<ExecutionResult>): void {
    let queue = this.pending.get(key);
    if (!queue) this.pending.set(key, (queue = []));
    let last = queue[queue.length - 1];
    if (last?.event !== event) {
      last = { event, result: execute(event).catch(() => null), recipients: [] };
      queue.push(last);
      if (queue.length === 1) void this.drain(key, queue);
    }
    last.recipients.push(recipient);
  }

  private async drain(key: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const { event, result, recipients } = queue[0]!;
      const shared = await result;
      // A result with errors goes each subscriber's own way, where errors are formatted for it.
      const payload = shared && !shared.errors?.length ? JSON.stringify(shared) : null;
      for (const recipient of recipients) {
        if (payload !== null && !recipient.fellBack && recipient.delivery.send(payload)) continue;
        recipient.fellBack = true;
        recipient.toReader(event);
      }
      queue.shift();
    }
    this.pending.delete(key);
  }
}
