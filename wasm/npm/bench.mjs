// Validation time per document next to JSON.parse of the same text, over AWS's reference
// documents, and the module's size. Targets: validate <= 3x JSON.parse; .wasm <= 150 KB gzipped.
// Usage: node bench.mjs [corpus dir]   (default: ../../../shared/corpus/aws-reference)
import { readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validate } from "offerdesk";

const here = fileURLToPath(new URL(".", import.meta.url));
const corpus = process.argv[2] ?? join(here, "../../../shared/corpus/aws-reference");
const docs = readdirSync(corpus).filter((f) => f.endsWith(".json")).sort().map((f) => [f, readFileSync(join(corpus, f), "utf8")]);

/** The fastest mean time (µs) of `fn` over 5 rounds of ~40 ms: the least disturbed estimate. */
function best(fn) {
  let bestMicros = Infinity;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 40_000_000n) {
      fn();
      n++;
      elapsed = process.hrtime.bigint() - start;
    }
    bestMicros = Math.min(bestMicros, Number(elapsed) / 1000 / n);
  }
  return bestMicros;
}

const options = { now: "2023-01-01" };
let parseTotal = 0;
let validateTotal = 0;
console.log(`${"document".padEnd(72)} ${"bytes".padStart(7)} ${"parse µs".padStart(9)} ${"validate µs".padStart(12)} ${"ratio".padStart(6)}`);
for (const [name, text] of docs) {
  const parse = best(() => JSON.parse(text));
  const check = best(() => validate(text, options));
  parseTotal += parse;
  validateTotal += check;
  const short = name.replace(/\.json$/, "").slice(0, 72);
  console.log(`${short.padEnd(72)} ${String(text.length).padStart(7)} ${parse.toFixed(2).padStart(9)} ${check.toFixed(2).padStart(12)} ${(check / parse).toFixed(2).padStart(5)}x`);
}
const wasm = join(here, "web/offerdesk_wasm_bg.wasm");
const raw = statSync(wasm).size;
const gz = gzipSync(readFileSync(wasm), { level: 9 }).length;
console.log(
  `summary: ${docs.length} documents: JSON.parse ${(parseTotal / docs.length).toFixed(1)} µs/doc, validate ${(validateTotal / docs.length).toFixed(1)} µs/doc, ` +
    `ratio ${(validateTotal / parseTotal).toFixed(2)}x (target <= 3.00x); offerdesk_wasm_bg.wasm ${raw} bytes, ${gz} gzipped (target <= 150 KB)`,
);
