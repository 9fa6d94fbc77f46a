/** An Offerdesk event, as a webhook delivers it. */
export interface WebhookEvent {
  /** Stable across retries: de-duplicate by it. */
  id: string;
  type: string;
  occurredAt: string;
  tenant: string;
  subject: { kind: "offer" | "agreement"; id: string };
  data: Record<string, unknown>;
}

/** Why a delivery was rejected. */
export declare class WebhookVerificationError extends Error {
  readonly reason: "secret" | "timestamp" | "stale" | "signature";
}

/** The delivery's headers: a `Headers` object, or a plain object with lower-case names. */
export type WebhookHeaders = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and returns its
 * event; throws `WebhookVerificationError` for a bad signature or a timestamp more than
 * 5 minutes from `now`. Pass the body exactly as received.
 */
export declare function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options?: { now?: Date; toleranceSeconds?: number },
): Promise<WebhookEvent>;

/** The `webhook-signature` value for a delivery (to test a receiver). */
export declare function signWebhook(secret: string, id: string, timestamp: number | string, body: string | Uint8Array): Promise<string>;
