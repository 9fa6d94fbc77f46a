// The types are generated from the Rust structs (tsify): see web/offerdesk_wasm.d.ts.
export * from "./web/offerdesk_wasm.js";
