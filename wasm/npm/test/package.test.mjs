// The npm package against the CLI: same codes, paths and messages for every AWS reference
// document and every rule fixture; and its own surface (types, decimals, helpers).
// Run by scripts/test, which sets OFFERDESK_CLI, OFFERDESK_FIXTURES and OFFERDESK_CORPUS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate, importChangeSet, exportChangeSet, timeline, cppoPrices } from "offerdesk";

const { OFFERDESK_CLI: cli, OFFERDESK_FIXTURES: fixturesFile, OFFERDESK_CORPUS: corpus } = process.env;
const scratch = mkdtempSync(join(tmpdir(), "offerdesk-npm-"));

function viaCli(document, now, context) {
  const doc = join(scratch, "doc.json");
  writeFileSync(doc, JSON.stringify(document));
  const args = ["validate", "--now", now];
  if (context) {
    writeFileSync(join(scratch, "context.json"), JSON.stringify(context));
    args.push("--context", join(scratch, "context.json"));
  }
  args.push(doc);
  try {
    return JSON.parse(execFileSync(cli, args, { encoding: "utf8" }));
  } catch (e) {
    if (e.status === 1) return JSON.parse(e.stdout);
    throw e;
  }
}

test("every AWS reference document: the package and the CLI agree", () => {
  const files = readdirSync(corpus).filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 70, `the corpus is read from ${corpus}`);
  for (const file of files) {
    const text = readFileSync(join(corpus, file), "utf8");
    const expected = viaCli(JSON.parse(text), "2023-01-01");
    assert.deepEqual(validate(text, { now: "2023-01-01" }), expected, `${file} (JSON text)`);
    assert.deepEqual(validate(JSON.parse(text), { now: "2023-01-01" }), expected, `${file} (object)`);
  }
});

test("every rule fixture: the package and the CLI agree, and the fixture holds", () => {
  const fixtures = JSON.parse(readFileSync(fixturesFile, "utf8"));
  assert.ok(fixtures.length > 150);
  for (const f of fixtures) {
    const options = { now: f.now, ...(f.context ? { context: f.context } : {}) };
    const report = validate(f.document, options);
    assert.deepEqual(report, viaCli(f.document, f.now, f.context), f.name);
    const hits = report.violations.filter((v) => v.code === f.code);
    if (f.path === null) assert.equal(hits.length, 0, f.name);
    else assert.ok(hits.some((v) => v.path === f.path), `${f.name}: ${JSON.stringify(report.violations)}`);
  }
});

test("a bad document is a violation, a broken call throws", () => {
  assert.deepEqual(validate("{oops", { now: "2023-01-01" }).violations.map((v) => v.code), ["document.invalid"]);
  assert.equal(validate([1, 2], { now: "2023-01-01" }).violations[0].code, "document.invalid");
  const cycle = {};
  cycle.self = cycle;
  for (const value of [undefined, () => 1, cycle, { n: 1n }]) {
    const [only] = validate(value, { now: "2023-01-01" }).violations;
    assert.match(only.message, /cannot be written as JSON/, String(value));
  }
  assert.throws(() => validate({}, { now: "yesterday" }), /now/);
  assert.throws(() => validate({}, { now: 7 }), /options/);
});

test("an object and its JSON text are read alike, whatever their characters", () => {
  const offer = { productId: "prod-1", state: "released", name: "Café <Ünïcödé> 😀 \u0000", terms: [] };
  const fromObject = validate(offer, { now: "2023-01-01" });
  assert.deepEqual(fromObject, validate(JSON.stringify(offer), { now: "2023-01-01" }));
  assert.ok(fromObject.violations.some((v) => v.path === "/name" && v.code === "offer.name_invalid_characters"));
  const { changeSet } = exportChangeSet(offer);
  assert.equal(changeSet.ChangeSet[0].DetailsDocument.Name, offer.name);
});

test("now defaults to the current time", () => {
  const offer = JSON.parse(readFileSync(new URL("../../../core/tests/fixtures/bases/contract.json", import.meta.url), "utf8"));
  const codes = validate(offer).violations.map((v) => v.code);
  assert.ok(codes.includes("offer.expiry_in_past"), "the 2023 sample has expired by now");
});

test("decimals cross as strings: 10.10 stays 10.10 through import and export", () => {
  const offer = {
    productId: "prod-1", state: "draft", name: "Decimals",
    terms: [{ type: "FixedUpfrontPricingTerm", currencyCode: "USD", price: "10.10", grants: [{ dimensionKey: "Users", maxQuantity: 1 }] }],
  };
  const { changeSet, violations } = exportChangeSet(offer);
  assert.deepEqual(violations, []);
  const pricing = changeSet.ChangeSet.find((c) => c.ChangeType === "UpdatePricingTerms");
  assert.equal(pricing.DetailsDocument.Terms[0].Price, "10.10");
  const imported = importChangeSet(changeSet);
  assert.equal(imported.offers[0].terms[0].price, "10.10");
  assert.equal(Object.getPrototypeOf(imported.offers[0]), Object.prototype, "plain objects, not Maps");
});

test("timeline and CPPO prices", () => {
  const offer = JSON.parse(readFileSync(new URL("../../../core/tests/fixtures/bases/contract.json", import.meta.url), "utf8"));
  const t = timeline(offer, "2023-02-01");
  assert.equal(t.start, "2023-02-01");
  assert.equal(t.end, "2024-02-01");
  assert.deepEqual(t.invoices.map((i) => [i.date, i.amount]), [["2023-03-01", "10000.00"], ["2023-09-01", "10000.00"]]);
  assert.deepEqual(t.milestones.map((m) => m.status), ["active", "expiring", "expired"]);
  const p = cppoPrices({ currency: "USD", wholesaleCharges: ["333.33", "1000.00"], markupPercentage: "7.5" });
  assert.deepEqual(p.charges, ["358.33", "1075.00"]);
  const custom = cppoPrices({ currency: "USD", wholesaleCharges: ["1000", "1000"], wholesaleUsage: ["0.12345678"], customPayments: ["1100", "1100"] });
  assert.equal(custom.markupPercent, "10");
  assert.deepEqual(custom.usage, ["0.13580246"]);
});

test("the TypeScript declarations have no any", () => {
  const dts = readFileSync(new URL("../web/offerdesk_wasm.d.ts", import.meta.url), "utf8");
  // The public part (before the module's internal init types), without comments.
  const publicPart = dts.split("export type InitInput")[0].replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(publicPart, /\bany\b/, publicPart);
  assert.match(publicPart, /validate\(doc: [^)]*, options\?: ValidateOptions/);
  for (const name of ["validate", "importChangeSet", "exportChangeSet", "timeline", "cppoPrices", "interface Violation", "interface Report"]) {
    assert.match(dts, new RegExp(name), `${name} is declared`);
  }
});
