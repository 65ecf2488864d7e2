import { createReadStream, statSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { extname, join, normalize } from "node:path";
import type { SessionShim } from "./session-shim.js";

/**
 * The test's stand-in for the API serving `dashboard/dist` at `/` (the contract the control plane
 * implements): index.html no-cache, /assets/* immutable, a CSP without inline scripts or styles,
 * and every other path (`/v2/*`, `/auth/*`) forwarded to the real API untouched.
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export function startStaticServer(options: {
  distDir: string;
  apiUrl: string;
  shim?: SessionShim;
}): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    if (path.startsWith("/v2/") || path.startsWith("/auth/") || path.startsWith("/deployments/")) {
      if (
        options.shim?.handle(request, response, (headers) =>
          forward(request, response, options.apiUrl, headers),
        )
      ) {
        return;
      }
      forward(request, response, options.apiUrl);
      return;
    }
    serveFile(path, options.distDir, response);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, server });
    });
  });
}

function serveFile(path: string, distDir: string, response: ServerResponse) {
  const relative = normalize(path).replace(/^(\.\.[/\\])+/, "");
  const isAsset = relative.startsWith("/assets/");
  let file = join(distDir, relative);
  let found = isAsset && safeIsFile(file);
  if (!isAsset) {
    // Every non-asset path is the single page's index.html (client-side routes).
    file = join(distDir, "index.html");
    found = safeIsFile(file);
  }
  if (!found) {
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  response.writeHead(200, {
    "content-type": types[extname(file)] ?? "application/octet-stream",
    "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
    "content-security-policy": contentSecurityPolicy,
    "x-content-type-options": "nosniff",
  });
  createReadStream(file).pipe(response);
}

function safeIsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function forward(
  request: IncomingMessage,
  response: ServerResponse,
  apiUrl: string,
  extraHeaders: Record<string, string> = {},
) {
  const target = new URL(request.url ?? "/", apiUrl);
  const upstream = httpRequest(
    target,
    // The browser's Host goes through, as a reverse proxy in front of Slipway keeps it: the API
    // checks a session request's Origin against it.
    { method: request.method, headers: { ...request.headers, ...extraHeaders } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on("error", () => {
    if (!response.headersSent) response.writeHead(502).end();
  });
  request.pipe(upstream);
}
