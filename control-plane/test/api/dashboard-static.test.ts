import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from "node:zlib";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness/api.js";

let api: TestApi;
const indexHtml = `<!doctype html><html><head><title>Slipway</title><script type="module" src="/assets/index-3f2a9c.js"></script><link rel="stylesheet" href="/assets/style-77aa10.css"></head><body><div id="root"></div><noscript>${"The Slipway dashboard needs JavaScript. ".repeat(8)}</noscript></body></html>`;
const appJs = `export const rows = [${Array.from({ length: 400 }, (_, i) => `"row ${i}"`).join(",")}];\n`;
const styleCss = `${Array.from({ length: 200 }, (_, i) => `.c${i}{color:red}`).join("\n")}\n`;
/** A build's own brotli sibling: served as it is, not compressed again. */
const styleBr = brotliCompressSync(Buffer.from(styleCss));

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), "slipway-dashboard-"));
  onHarnessTeardown(async () => rmSync(dist, { recursive: true, force: true }));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), indexHtml);
  writeFileSync(join(dist, "assets", "index-3f2a9c.js"), appJs);
  writeFileSync(join(dist, "assets", "style-77aa10.css"), styleCss);
  writeFileSync(join(dist, "assets", "style-77aa10.css.br"), styleBr);
  writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  api = await startTestApi({ env: { SLIPWAY_DASHBOARD_DIR: dist } });
});

interface RawResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The bytes as sent, not decompressed (fetch would decode Content-Encoding). */
  body: Buffer;
  text(): Promise<string>;
  json(): Promise<{ error: { title: string }; data: { message: string } }>;
}

function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${api.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = response.headers[name.toLowerCase()];
              return value === undefined ? null : String(value);
            },
          },
          body,
          text: async () => body.toString("utf8"),
          json: async () => JSON.parse(body.toString("utf8")),
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}
const page = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

describe("the dashboard's build, served at /", () => {
  it("serves index.html at / with no-cache and a strict Content-Security-Policy", async () => {
    for (const path of ["/", "/index.html"]) {
      const response = await get(path, page);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-encoding")).toBeNull();
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await response.text()).toBe(indexHtml);
    }
  });

  it("serves hashed assets with a year-long immutable cache, brotli or gzip as the browser accepts", async () => {
    const br = await get("/assets/index-3f2a9c.js", { "accept-encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("accept-encoding");
    const brBytes = br.body;
    expect(brBytes.length).toBeLessThan(appJs.length / 3);
    expect(brotliDecompressSync(brBytes).toString()).toBe(appJs);

    const gz = await get("/assets/index-3f2a9c.js", { "accept-encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(appJs);

    const plain = await get("/assets/index-3f2a9c.js", { "accept-encoding": "identity" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(appJs);
    // A file outside /assets/ has no hash in its name: revalidated, not cached for a year.
    const icon = await get("/favicon.svg");
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("sends the build's own precompressed file where it has one", async () => {
    const response = await get("/assets/style-77aa10.css", { "accept-encoding": "br" });
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(response.body.equals(styleBr)).toBe(true);
    const sibling = await get("/assets/style-77aa10.css.br", { accept: "*/*" });
    expect(sibling.status).toBe(404);
  });

  it("answers 304 to a revalidation with the file's ETag", async () => {
    const first = await get("/", { ...page, "accept-encoding": "gzip" });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+-gzip"$/);
    const again = await get("/", { ...page, "accept-encoding": "gzip", "if-none-match": etag });
    expect(again.status).toBe(304);
    const otherEncoding = await get("/", { ...page, "if-none-match": etag });
    expect(otherEncoding.status).toBe(200);
  });

  it("answers the app's own routes with index.html when a page is asked for", async () => {
    for (const path of ["/projects/alpha", "/deployments/dep_123/logs/x", "/keys?page=2"]) {
      const response = await get(path, page);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(await response.text()).toBe(indexHtml);
    }
  });

  it("answers 404 JSON for everything else", async () => {
    const cases: Array<[string, RequestInit]> = [
      ["/projects/alpha", { headers: { accept: "application/json" } }],
      ["/assets/missing-000000.js", { headers: { accept: "*/*" } }],
      ["/projects/alpha", { method: "POST", headers: page }],
      ["/openapi.yaml", {}],
    ];
    for (const [path, init] of cases) {
      const response = await fetch(`${api.url}${path}`, init);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect((await response.json()).error.title).toBe("Not Found");
    }
    // The API's own addresses are never the page: an unknown /v2 call needs credentials first.
    const api404 = await get("/v2/projects.nothing", page);
    expect(api404.status).toBe(401);
    expect(api404.headers.get("content-type")).toContain("application/json");
    const liveness = await get("/v2/liveness", page);
    expect((await liveness.json()).data.message).toBe("OK");
  });
});
