// The seller portal in a real browser (Debian chromium, driven by playwright-core): a
// mistake in the installments shows beside the installment, goes away when fixed, and the
// exported change set passes the CLI. Run by scripts/test (OFFERDESK_CLI, OFFERDESK_SCREENSHOTS).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../serve.mjs";

// Debian's chromium, headless, without the network chatter a test does not need.
const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const isoDay = (d) => d.toISOString().slice(0, 10);
const addDays = (day, n) => { const d = new Date(`${day}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); };

test("the portal shows a schedule mistake beside the installment, and exports a valid change set", async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/portal/`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.textContent("#status"), "Valid");

    const expiry = await page.inputValue("#expiry");
    const second = page.locator("#installments tr").nth(1);
    // Two charges on or before the expiry: AWS refuses that (TOO_MANY_BACKDATED_CHARGES).
    await page.locator("#installments tr").nth(0).locator(".charge-date").fill(addDays(expiry, -1));
    await second.locator(".charge-date").fill(expiry);
    const problem = second.locator('.problem[data-code="schedule.multiple_on_or_before_expiry"]');
    await problem.waitFor({ state: "visible" });
    assert.match(await problem.textContent(), /2 charges fall on or before the offer expiry/);
    assert.equal(await second.locator(".charge-date").getAttribute("aria-invalid"), "true");
    const shots = process.env.OFFERDESK_SCREENSHOTS ?? fileURLToPath(new URL("../../../target/portal", import.meta.url));
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, "portal-schedule-problem.png"), fullPage: true });

    // Fixed: the second charge after the expiry.
    await second.locator(".charge-date").fill(addDays(expiry, 60));
    await problem.waitFor({ state: "detached" });
    assert.equal(await page.locator(".problem").count(), 0);
    assert.equal(await page.textContent("#status"), "Valid");

    await page.click("#export");
    const changeSet = JSON.parse(await page.inputValue("#changeset"));
    assert.equal(changeSet.ChangeSet.at(-1).ChangeType, "ReleaseOffer");
    const file = join(mkdtempSync(join(tmpdir(), "offerdesk-portal-")), "change-set.json");
    writeFileSync(file, JSON.stringify(changeSet));
    const now = await page.inputValue("#now");
    const report = JSON.parse(execFileSync(process.env.OFFERDESK_CLI, ["validate", "--now", now, file], { encoding: "utf8" }));
    assert.deepEqual(report, { valid: true, violations: [] });

    await page.screenshot({ path: join(shots, "portal.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

// Served by `offerdesk serve` (scripts/test starts it with the sample data): the portal
// saves and releases an offer through the API, and the API's refusal lands beside a field.
test("the portal saves and releases offers through the Offerdesk API", async () => {
  const url = process.env.OFFERDESK_API_URL;
  const token = process.env.OFFERDESK_SELLER_TOKEN;
  assert.ok(url && token, "run through scripts/test, which starts offerdesk serve (OFFERDESK_API_URL, OFFERDESK_SELLER_TOKEN)");
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${url}/portal/#token=${token}`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isVisible("#api"), true, "the API card shows when the API serves the page");
    const before = await page.locator("#offers tr").count();
    assert.ok(before >= 6, "the sample offers are listed");

    await page.fill("#name", "Acme Analytics, saved from the portal");
    await page.click("#save-release");
    await page.waitForFunction(() => /^Saved offer-/.test(document.getElementById("api-note").textContent));
    assert.match(await page.textContent("#api-note"), /released, version 2/);
    assert.equal(await page.locator("#offers tr").count(), before + 1);
    assert.match(await page.textContent("#offers"), /Acme Analytics, saved from the portal/);

    // The API refuses to release an offer with no name; the refusal shows in the form.
    await page.fill("#name", "");
    await page.click("#save-release");
    await page.waitForFunction(() => /refused it \(422\)/.test(document.getElementById("api-note").textContent));
    assert.equal(await page.locator('.problem[data-code="offer.name_required"]').count() > 0, true);
    const shots = process.env.OFFERDESK_SCREENSHOTS ?? fileURLToPath(new URL("../../../target/portal", import.meta.url));
    await page.screenshot({ path: join(shots, "portal-api.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
