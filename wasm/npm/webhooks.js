// Verifying Offerdesk's webhook deliveries, as the Standard Webhooks specification has them:
// `webhook-signature` holds `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`,
// keyed with the endpoint's secret (`whsec_` + base64). Works in browsers and Node >= 18.

const TOLERANCE_SECONDS = 5 * 60;

/** Why a delivery was rejected: `reason` is "secret", "timestamp", "stale" or "signature". */
export class WebhookVerificationError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = "WebhookVerificationError";
    this.reason = reason;
  }
}

async function subtle() {
  return globalThis.crypto?.subtle ?? (await import("node:crypto")).webcrypto.subtle;
}

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

function header(headers, name) {
  const value = typeof headers?.get === "function" ? headers.get(name) : headers?.[name] ?? headers?.[name.toLowerCase()];
  return value == null ? "" : String(value).trim();
}

async function expectedSignature(secret, id, timestamp, body) {
  let key;
  try {
    key = fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  } catch {
    throw new WebhookVerificationError("secret", 'the secret is not "whsec_" and base64');
  }
  const crypto = await subtle();
  const hmac = await crypto.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const signed = new Uint8Array([...new TextEncoder().encode(`${id}.${timestamp}.`), ...bytes]);
  return toBase64(await crypto.sign("HMAC", hmac, signed));
}

/** Signs a delivery (for tests of a receiver): the `webhook-signature` value. */
export async function signWebhook(secret, id, timestamp, body) {
  return `v1,${await expectedSignature(secret, id, String(timestamp), body)}`;
}

/**
 * Checks a delivery and returns its event. Rejects a timestamp more than 5 minutes from
 * `now` (a replay) and a body no signature matches. Pass the body exactly as received.
 */
export async function verifyWebhook(secret, headers, body, { now = new Date(), toleranceSeconds = TOLERANCE_SECONDS } = {}) {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) {
    throw new WebhookVerificationError("timestamp", "webhook-timestamp is not a number of seconds");
  }
  if (Math.abs(Math.floor(now.getTime() / 1000) - seconds) > toleranceSeconds) {
    throw new WebhookVerificationError("stale", "webhook-timestamp is more than 5 minutes from now: a replay, or a clock out of step");
  }
  const expected = await expectedSignature(secret, id, timestamp, body);
  const candidates = header(headers, "webhook-signature").split(/\s+/).filter((s) => s.startsWith("v1,")).map((s) => s.slice(3));
  // Compare every candidate in full, whatever the first difference.
  const same = (a, b) => a.length === b.length && [...a].reduce((diff, c, i) => diff | (c.charCodeAt(0) ^ b.charCodeAt(i)), 0) === 0;
  if (!candidates.some((candidate) => same(candidate, expected))) {
    throw new WebhookVerificationError("signature", "no webhook-signature matches the body");
  }
  return JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body));
}
