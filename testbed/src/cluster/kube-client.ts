import { readFileSync } from "node:fs";
import { request } from "node:https";
import { KubeApiError } from "../errors.js";
import { type KubeCredentials, parseKubeconfig } from "./kubeconfig.js";

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export type ContentType =
  | "application/json"
  | "application/merge-patch+json"
  | "application/strategic-merge-patch+json"
  | "application/apply-patch+yaml";

/**
 * The smallest useful apiserver client: HTTPS with the kubeconfig's client certificate.
 * Enough for the testbed's own setup and for tests; other packages may prefer a full client.
 */
export class KubeClient {
  constructor(readonly credentials: KubeCredentials) {}

  static fromKubeconfigFile(path: string): KubeClient {
    return new KubeClient(parseKubeconfig(readFileSync(path, "utf8")));
  }

  /** Any status; never throws for HTTP errors (network errors still reject). */
  raw<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType: ContentType = "application/json",
    timeoutMs = 15_000,
  ): Promise<KubeResponse<T>> {
    const url = new URL(path, this.credentials.server);
    const payload =
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.credentials.caPem,
          cert: this.credentials.certPem,
          key: this.credentials.keyPem,
          headers: {
            accept: "application/json",
            ...(payload === undefined
              ? {}
              : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // /readyz and friends answer plain text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, text });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like raw, but a non-2xx status becomes a KubeApiError. */
  async send<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: ContentType,
  ): Promise<T> {
    const res = await this.raw<T>(method, path, body, contentType);
    if (res.status < 200 || res.status >= 300) {
      throw new KubeApiError(method, path, res.status, res.text);
    }
    return res.body;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.send<T>("GET", path);
  }

  create<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.send<T>("POST", path, body);
  }

  delete<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.send<T>("DELETE", path, body);
  }

  /** Server-side apply as fieldManager; force takes over conflicting fields. */
  apply<T = unknown>(path: string, body: unknown, fieldManager: string, force = false): Promise<T> {
    const query = `fieldManager=${encodeURIComponent(fieldManager)}${force ? "&force=true" : ""}`;
    const sep = path.includes("?") ? "&" : "?";
    return this.send<T>("PATCH", `${path}${sep}${query}`, body, "application/apply-patch+yaml");
  }
}
