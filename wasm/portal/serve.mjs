// A static server for the portal (wasm/portal) and the package it imports (wasm/npm), on
// 127.0.0.1 only. `node serve.mjs [port]` serves until Ctrl-C; tests import `serve`.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png" };

/** Starts serving on 127.0.0.1:`port` (0: a free port); resolves to the server. */
export async function serve(port = 0) {
  const server = createServer(async (req, res) => {
    // normalize() resolves "..": nothing outside wasm/ is reachable.
    const path = normalize(decodeURIComponent(new URL(req.url, "http://localhost").pathname)).replace(/^(\.\.[/\\])+/, "");
    if (path === "/" || path === "\\") {
      res.writeHead(302, { location: "/portal/" }).end();
      return;
    }
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] ?? 8080));
  console.log(`Seller portal: http://127.0.0.1:${server.address().port}/portal/   (Ctrl-C stops it)`);
}
