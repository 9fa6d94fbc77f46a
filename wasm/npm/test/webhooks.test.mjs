// The webhook verification helper: the Standard Webhooks specification's test vector (the
// same one the Rust signer is tested with), and every reason to reject a delivery.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "offerdesk/webhooks";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const body = '{"test": 2432232314}';
const timestamp = 1614265330;
const now = new Date(timestamp * 1000);

test("signatures match the Standard Webhooks test vector", async () => {
  assert.equal(await signWebhook(secret, id, timestamp, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});

test("a genuine delivery verifies and returns its event", async () => {
  const signature = await signWebhook(secret, id, timestamp, body);
  const headers = new Headers({ "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,bm9wZQ== ${signature}` });
  assert.deepEqual(await verifyWebhook(secret, headers, body, { now }), { test: 2432232314 });
});

test("a changed body, another secret, an old timestamp are rejected", async () => {
  const signature = await signWebhook(secret, id, timestamp, body);
  const headers = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
  await assert.rejects(verifyWebhook(secret, headers, '{"test": 1}', { now }), { reason: "signature" });
  await assert.rejects(verifyWebhook("whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1zYW1l", headers, body, { now }), { reason: "signature" });
  await assert.rejects(verifyWebhook(secret, headers, body, { now: new Date((timestamp + 301) * 1000) }), { reason: "stale" });
  await assert.rejects(verifyWebhook(secret, { ...headers, "webhook-timestamp": "soon" }, body, { now }), { reason: "timestamp" });
});
