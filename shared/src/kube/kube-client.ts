import type { IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import { apiserverStatusMessage } from "../apiserver-status.js";
import type { KubeConnection } from "./kubeconfig.js";

/** The operator's field manager; the control plane applies under its own name. */
export const FIELD_MANAGER = "slipway-operator";

export type ContentType =
  | "application/json"
  | "application/merge-patch+json"
  | "application/strategic-merge-patch+json"
  | "application/apply-patch+yaml";

/** An answer of any status; `body` is the parsed JSON, or the text when it is not JSON. */
export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface ApplyOptions {
  /** Default: the client's field manager. */
  fieldManager?: string;
  /** Take over fields another manager owns instead of failing with 409. Default true. */
  force?: boolean;
}

/** A non-2xx answer of the apiserver, with its Status reason when it sent one. */
export class KubeApiError extends Error {
  /** The body as the message quotes it: its first 500 characters. */
  readonly detail: string;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    body: string,
  ) {
    const detail = body.slice(0, 500);
    super(`${method} ${path} -> HTTP ${status} ${reason}: ${detail}`);
    this.name = "KubeApiError";
    this.detail = detail;
  }
}

/** The human part of the Status the apiserver sent (`message`), without the request line. */
export function apiserverMessage(error: KubeApiError): string {
  return apiserverStatusMessage(error.detail) ?? error.detail;
}

export const isNotFound = (error: unknown) => error instanceof KubeApiError && error.status === 404;
export const isConflict = (error: unknown) => error instanceof KubeApiError && error.status === 409;

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

/** Everything Slipway needs from the apiserver; tests wrap it to count or fail requests. */
export interface KubeApi {
  get<T>(path: string): Promise<T>;
  /** Returns undefined for 404. */
  find<T>(path: string): Promise<T | undefined>;
  /** Server-side apply under the client's field manager, forcing ownership of the fields it sends. */
  apply<T>(path: string, body: unknown): Promise<T>;
  create<T>(path: string, body: unknown): Promise<T>;
  replace<T>(path: string, body: unknown): Promise<T>;
  /** Deletes; a 404 is success (cleanup is idempotent). */
  remove(path: string): Promise<void>;
  /** Opens a watch; resolves with the response stream of newline-delimited JSON events. */
  openWatch(path: string, signal: AbortSignal): Promise<IncomingMessage>;
}

/**
 * The one HTTPS client for the apiserver, with the kubeconfig's client certificate or token:
 * the operator, the control plane, the testbed and every test use it.
 * Every finished request is reported to `onRequest` (metrics, write counting in tests).
 */
export class KubeClient implements KubeApi {
  private readonly agent: Agent;

  constructor(
    readonly connection: KubeConnection,
    private readonly onRequest: (record: RequestRecord) => void = () => undefined,
    private readonly timeoutMs = 30_000,
    readonly fieldManager: string = FIELD_MANAGER,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      ca: connection.caPem,
      cert: connection.certPem,
      key: connection.keyPem,
    });
  }

  close(): void {
    this.agent.destroy();
  }

  async get<T>(path: string): Promise<T> {
    return this.send<T>("GET", path);
  }

  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.send<T>("GET", path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  apply<T>(path: string, body: unknown, options: ApplyOptions = {}): Promise<T> {
    const { fieldManager = this.fieldManager, force = true } = options;
    const sep = path.includes("?") ? "&" : "?";
    const query = `fieldManager=${encodeURIComponent(fieldManager)}${force ? "&force=true" : ""}`;
    return this.send<T>("PATCH", `${path}${sep}${query}`, body, "application/apply-patch+yaml");
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>("POST", path, body);
  }

  replace<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>("PUT", path, body);
  }

  async remove(path: string): Promise<void> {
    try {
      await this.send("DELETE", path, {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Background",
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** A non-2xx status becomes a KubeApiError. */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType: ContentType = "application/json",
  ): Promise<T> {
    const { status, text } = await this.exchange(method, path, body, contentType, this.timeoutMs);
    if (status < 200 || status >= 300) {
      let reason = "";
      try {
        reason = (JSON.parse(text) as { reason?: string }).reason ?? "";
      } catch {
        // not a Status object
      }
      throw new KubeApiError(method, path, status, reason, text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Any status: an error answer resolves too (network errors still reject), e.g. to wait for
   * `/readyz` or to look at a rejection's body.
   */
  async raw<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType: ContentType = "application/json",
    timeoutMs = this.timeoutMs,
  ): Promise<KubeResponse<T>> {
    const { status, text } = await this.exchange(method, path, body, contentType, timeoutMs);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // /readyz and friends answer plain text.
    }
    return { status, body: parsed as T, text };
  }

  async openWatch(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    // No socket timeout: the apiserver ends the watch itself after timeoutSeconds.
    const res = await this.open("GET", path, undefined, "application/json", 0, signal);
    const status = res.statusCode ?? 0;
    this.onRequest({ method: "WATCH", path, status });
    if (status !== 200) {
      const text = await readAll(res);
      throw new KubeApiError("GET", path, status, status === 410 ? "Expired" : "", text);
    }
    return res;
  }

  private async exchange(
    method: string,
    path: string,
    body: unknown,
    contentType: ContentType,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const res = await this.open(method, path, body, contentType, timeoutMs);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    this.onRequest({ method, path, status });
    return { status, text };
  }

  private open(
    method: string,
    path: string,
    body: unknown,
    contentType: ContentType,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.connection.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method,
        agent: this.agent,
        signal,
        timeout: timeoutMs || undefined,
        headers: {
          accept: "application/json",
          ...(this.connection.token ? { authorization: `Bearer ${this.connection.token}` } : {}),
          ...(this.connection.impersonate
            ? { "impersonate-user": this.connection.impersonate }
            : {}),
          ...(payload === undefined
            ? {}
            : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
        },
      });
      req.on("response", resolve);
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}
