// Browser entry: loads the WebAssembly module once (top-level await), then exports the
// functions ready to call.
import init from "./web/offerdesk_wasm.js";

await init();

export { validate, importChangeSet, exportChangeSet, timeline, cppoPrices } from "./web/offerdesk_wasm.js";
