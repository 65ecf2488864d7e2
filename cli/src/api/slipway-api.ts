import { HTTPClient, Unkey } from "@unkey/api";
import { CliError, exitCodes } from "../cli-error.js";
import type { Credentials } from "../config/credentials.js";
import { apiErrorDetails, toCliError } from "./api-errors.js";

export interface DeploymentLogLine {
  seq: number;
  timestamp: number;
  step: string;
  stream: "stdout" | "stderr" | "system";
  message: string;
}

export interface LogPage {
  lines: DeploymentLogLine[];
  cursor?: string;
  hasMore: boolean;
}

/** One request Sentinel served or refused (`requestLogs.listRequestLogs`). */
export interface RequestLogEntry {
  id: string;
  time: number;
  requestId: string;
  deploymentId?: string;
  host: string;
  method: string;
  path: string;
  status: number;
  totalLatencyMs: number;
  region: string;
  outcome: "allowed" | "denied" | "error";
  policyName?: string;
}

export interface RequestLogPage {
  entries: RequestLogEntry[];
  cursor?: string;
  hasMore: boolean;
}

export interface EnvironmentRef {
  project: string;
  app: string;
  environment: string;
}

const requestTimeoutMs = 60_000;
const uploadTimeoutMs = 10 * 60_000;

/**
 * The CLI's one client of the Slipway API: the official SDK for the calls it covers
 * (`call`), plain fetch for Slipway's own extensions. Every failure leaves here as a `CliError`
 * carrying the API's detail and request id; the root key only ever goes into the
 * `Authorization` header.
 */
export class SlipwayApi {
  readonly url: string;
  readonly #rootKey: string;
  readonly #fetch: typeof fetch;
  readonly #sdk: Unkey;

  constructor(credentials: Credentials, fetchImpl: typeof fetch = fetch) {
    this.url = credentials.url.replace(/\/+$/, "");
    this.#rootKey = credentials.rootKey;
    this.#fetch = fetchImpl;
    this.#sdk = new Unkey({
      rootKey: credentials.rootKey,
      serverURL: this.url,
      retryConfig: { strategy: "none" },
      timeoutMs: requestTimeoutMs,
      httpClient: new HTTPClient({ fetcher: (request) => fetchImpl(request) }),
    });
  }

  /** A call the SDK covers, e.g. `api.call((sdk) => sdk.projects.createProject(body))`. */
  async call<T>(run: (sdk: Unkey) => Promise<T>): Promise<T> {
    try {
      return await run(this.#sdk);
    } catch (error) {
      throw toCliError(error, this.url);
    }
  }

  /** `deployments.getDeploymentLogs` (Slipway): one page of the build and rollout log. */
  async getDeploymentLogs(deploymentId: string, cursor?: string, limit = 1000): Promise<LogPage> {
    const answer = await this.#post<{
      data: DeploymentLogLine[];
      pagination?: { cursor?: string; hasMore: boolean };
    }>("deployments.getDeploymentLogs", {
      deploymentId,
      limit,
      ...(cursor ? { cursor } : {}),
    });
    const next = answer.pagination?.cursor ?? cursor;
    return {
      lines: answer.data,
      ...(next ? { cursor: next } : {}),
      hasMore: answer.pagination?.hasMore ?? false,
    };
  }

  /**
   * The URLs a deployment answers at, as the API builds them (Slipway's `urls`: Sentinel's
   * scheme and port, which the CLI cannot know). The SDK drops fields it does not know, hence
   * plain fetch; undefined from a server without the field.
   */
  async getDeploymentUrls(deploymentId: string): Promise<string[] | undefined> {
    const answer = await this.#post<{ data: { urls?: unknown } }>("deployments.getDeployment", {
      deploymentId,
    });
    const { urls } = answer.data;
    return Array.isArray(urls) && urls.every((url) => typeof url === "string") ? urls : undefined;
  }

  /** `requestLogs.listRequestLogs` (Slipway): one page, newest first. */
  async listRequestLogs(body: Record<string, unknown>): Promise<RequestLogPage> {
    const answer = await this.#post<{
      data: RequestLogEntry[];
      pagination?: { cursor?: string; hasMore: boolean };
    }>("requestLogs.listRequestLogs", body);
    return {
      entries: answer.data,
      ...(answer.pagination?.cursor ? { cursor: answer.pagination.cursor } : {}),
      hasMore: answer.pagination?.hasMore ?? false,
    };
  }

  /** `deployments.approveDeployment` (Slipway). */
  async approveDeployment(deploymentId: string): Promise<void> {
    await this.#post("deployments.approveDeployment", { deploymentId });
  }

  /** `deployments.cancelDeployment` (Slipway). */
  async cancelDeployment(deploymentId: string): Promise<void> {
    await this.#post("deployments.cancelDeployment", { deploymentId });
  }

  /** `deployments.createDeploymentFromSource` (Slipway): the CLI deploy of a source tarball. */
  async createDeploymentFromSource(
    target: EnvironmentRef,
    archive: Buffer,
  ): Promise<{ deploymentId: string }> {
    const query = new URLSearchParams({
      project: target.project,
      app: target.app,
      environment: target.environment,
    });
    const answer = await this.#send<{ data: { deploymentId: string } }>(
      `/v2/deployments.createDeploymentFromSource?${query}`,
      { "content-type": "application/gzip" },
      archive,
      uploadTimeoutMs,
    );
    return answer.data;
  }

  #post<T>(operation: string, body: unknown): Promise<T> {
    return this.#send<T>(
      `/v2/${operation}`,
      { "content-type": "application/json" },
      JSON.stringify(body),
      requestTimeoutMs,
    );
  }

  async #send<T>(
    path: string,
    headers: Record<string, string>,
    body: string | Buffer,
    timeoutMs: number,
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.url}${path}`, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${this.#rootKey}` },
        body: typeof body === "string" ? body : new Uint8Array(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause ?? error) : error;
      throw new CliError(
        exitCodes.api,
        `Cannot reach the Slipway API at ${this.url}: ${reason instanceof Error ? reason.message : String(reason)}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw toCliError(
        Object.assign(new Error(`HTTP ${response.status}`), {
          statusCode: response.status,
          body: text,
          headers: response.headers,
        }),
        this.url,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(
        exitCodes.api,
        `The API at ${this.url} answered ${path} with something that is not JSON.`,
        apiErrorDetails(response.status, "", response.headers.get("x-request-id")),
      );
    }
  }
}
