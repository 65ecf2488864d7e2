import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Readable } from "node:stream";
import { TLSSocket } from "node:tls";
import type { LoggingPolicy } from "@slipway/shared/policy";
import { Cancellation } from "../forward/cancellation.js";
import type { BodyDestination } from "../forward/relay-body.js";
import {
  ConnectFailed,
  lazyBody,
  type UpstreamResponse,
  UpstreamTimeout,
} from "../forward/upstream.js";
import { BodyCapture } from "../logs/body-capture.js";
import {
  buildLogRecord,
  type CapturableHeaders,
  type RequestFacts,
} from "../logs/build-log-record.js";
import { requestIdHeader, responseHeaders } from "../request/forward-headers.js";
import { distinctHeaders } from "../request/raw-headers.js";
import { denyResponse } from "../respond/deny-response.js";
import type { GatewayErrorCode } from "../respond/gateway-errors.js";
import type { Instance } from "../routing/instances.js";
import type { FastRequest } from "./fast-http1/fast-connection.js";
import type { FastResponse } from "./fast-http1/fast-response.js";
import { type Forwardable, type Prepared, prepareRequest } from "./prepare-request.js";
import type { SentinelDeps } from "./sentinel-deps.js";

type Request = IncomingMessage | Http2ServerRequest | FastRequest;

type Response = ServerResponse | Http2ServerResponse | FastResponse;

/**
 * `writeHead` on any of the three responses: each takes a flat `[name, value…]` list or an
 * object (their overloads differ only in the types TypeScript sees).
 */
function writeHead(
  res: Response,
  status: number,
  headers: Record<string, string> | string[],
): { end(body?: string | Buffer): unknown } {
  return (res as FastResponse).writeHead(status, headers);
}

function hasBody(req: Request, headers: Record<string, string[]>): boolean {
  // An HTTP/2 request has a body unless its HEADERS frame ended the stream.
  if ("stream" in req) return !req.stream.endAfterHeaders;
  if (headers["transfer-encoding"]) return true;
  const length = headers["content-length"]?.[0];
  return length !== undefined && Number(length) > 0;
}

/** What the handler knows of a request before its chain runs. */
interface Begun {
  started: number;
  time: number;
  requestId: string;
  headers: Record<string, string[]>;
  cancel: Cancellation;
}

/**
 * The HTTP handler: the chain, then one forwarding attempt per candidate while connects fail.
 * `onClosed` is told when a response is closed (the server's in-flight count): the one close
 * listener a request gets.
 */
export function createRequestHandler(deps: SentinelDeps, onClosed?: () => void) {
  let turn = 0;
  return (req: Request, res: Response): void => {
    const begun: Begun = {
      started: deps.monotonic(),
      time: deps.clock(),
      requestId: deps.newRequestId(),
      headers: distinctHeaders(req.rawHeaders),
      cancel: new Cancellation(),
    };
    res.on("close", () => {
      if (!res.writableFinished) begun.cancel.cancel(new Error("client went away"));
      onClosed?.();
    });
    const failed = (error: unknown) => {
      deps.onError?.(error, { stage: "handler" });
      if (!res.headersSent) writeHead(res, 500, {}).end();
      else res.destroy();
    };
    let prepared: Prepared | Promise<Prepared>;
    try {
      prepared = prepareRequest(
        deps,
        {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: begun.headers,
          peerIp: req.socket.remoteAddress ?? "",
          tls: req.socket instanceof TLSSocket,
          upgrade: false,
          requestId: begun.requestId,
          cancel: begun.cancel,
        },
        turn++,
      );
    } catch (error) {
      failed(error);
      return;
    }
    // Most requests are prepared without waiting: no promise between the request and its
    // forwarding then.
    if (prepared instanceof Promise) {
      prepared.then((ready) => respond(deps, req, res, begun, ready)).catch(failed);
      return;
    }
    try {
      respond(deps, req, res, begun, prepared)?.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}

/**
 * The rest of a prepared request: its answer (forwarded or Sentinel's own), then its log.
 * A promise only while forwarding.
 */
function respond(
  deps: SentinelDeps,
  req: Request,
  res: Response,
  begun: Begun,
  prepared: Prepared,
): Promise<void> | undefined {
  const { result } = prepared;
  const logging = prepared.outcome?.logging;
  const finished: Finished = {
    time: begun.time,
    requestId: begun.requestId,
    started: begun.started,
    status: 0,
    upstreamMs: 0,
    instance: undefined,
    outcome: "allowed",
    method: req.method ?? "GET",
    requestHeaders: begun.headers,
    responseHeaders: noHeaders,
    requestCapture: logging?.requestBody ? new BodyCapture() : undefined,
    responseCapture: undefined,
  };
  if (result.kind === "forward") return forward(deps, req, res, begun, prepared, result, finished);
  finished.outcome = result.denial ? "denied" : "error";
  // Nobody is left to answer when the client went away (during a wake).
  if (result.code === "client_closed_request") finished.status = 499;
  else answer(res, finished, result.code, result.detail, result.headers);
  log(deps, prepared, finished);
  return undefined;
}

/** Sentinel's own answer (a denial, a gateway error); the client may already have a head. */
function answer(
  res: Response,
  finished: Finished,
  code: GatewayErrorCode,
  detail: string,
  extra: Record<string, string> = {},
): void {
  const accept = finished.requestHeaders.accept?.[0];
  const response = denyResponse(code, detail, finished.requestId, accept, extra);
  finished.status = response.status;
  finished.responseHeaders = response.headers;
  if (!res.headersSent) writeHead(res, response.status, response.headers).end(response.body);
  else res.destroy();
}

/** One attempt per candidate while connects fail, then the upstream's answer relayed; logged. */
async function forward(
  deps: SentinelDeps,
  req: Request,
  res: Response,
  begun: Begun,
  prepared: Prepared,
  result: Forwardable,
  finished: Finished,
): Promise<void> {
  const { cancel } = begun;
  // A request with a body is a Readable on every engine (Sentinel's own: FastBodyRequest).
  const body = hasBody(req, begun.headers)
    ? lazyBody(req as Readable, finished.requestCapture)
    : undefined;
  const forwarder = deps.forwarders[prepared.route!.config.upstreamProtocol];
  const upstreamStart = deps.monotonic();
  let response: UpstreamResponse | undefined;
  let lastError: unknown;
  const attempts = Math.min(result.candidates.length, deps.settings.maxAttempts);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const candidate = result.candidates[attempt]!;
    finished.instance = candidate;
    try {
      response = await forwarder.send({
        instance: candidate,
        method: finished.method,
        target: result.target,
        headers: result.headers,
        body: body?.body,
        cancel,
      });
      break;
    } catch (error) {
      lastError = error;
      // Only a failed connect with none of the body read may go to another instance.
      if (!(error instanceof ConnectFailed) || body?.started()) break;
    }
  }
  if (!response) {
    finished.upstreamMs = deps.monotonic() - upstreamStart;
    finished.outcome = "error";
    if (cancel.cancelled) finished.status = 499;
    else if (body?.started() && (req as Readable).errored) {
      // The client's body broke its own framing (a malformed chunk): the client's fault.
      answer(res, finished, "bad_request", "The request body is malformed.");
    } else if (lastError instanceof UpstreamTimeout) {
      answer(res, finished, "gateway_timeout", "The app did not answer in time.");
    } else {
      deps.onError?.(lastError, { stage: "forward", instance: finished.instance?.id });
      answer(res, finished, "bad_gateway", "The app could not be reached.");
    }
    log(deps, prepared, finished);
    return;
  }
  finished.status = response.status;
  finished.responseHeaders = response.headers;
  const outgoing = responseHeaders(response.headers);
  const limits = prepared.outcome?.rateLimitHeaders;
  if (limits) for (const name in limits) outgoing.push(name, limits[name]!);
  outgoing.push(requestIdHeader, finished.requestId);
  writeHead(res, response.status, outgoing);
  response.onTrailers?.((trailers) => {
    if ("addTrailers" in res) res.addTrailers(trailers as Record<string, string>);
  });
  if (prepared.outcome?.logging.responseBody) finished.responseCapture = new BodyCapture();
  try {
    await response.relay(res as BodyDestination, finished.responseCapture);
  } catch {
    // The client or the upstream went away mid-body; both sides are destroyed.
    if (cancel.cancelled) finished.status = 499;
  }
  finished.upstreamMs = deps.monotonic() - upstreamStart;
  log(deps, prepared, finished);
}

interface Finished {
  time: number;
  requestId: string;
  started: number;
  status: number;
  upstreamMs: number;
  instance: Instance | undefined;
  outcome: "allowed" | "denied" | "error";
  method: string;
  requestHeaders: Record<string, string[]>;
  /** The upstream's flat list, or the headers of Sentinel's own answer. */
  responseHeaders: CapturableHeaders;
  requestCapture: BodyCapture | undefined;
  responseCapture: BodyCapture | undefined;
}

const noHeaders: readonly string[] = [];

const noLogging: LoggingPolicy = {
  requestHeaders: false,
  responseHeaders: false,
  requestBody: false,
  responseBody: false,
  query: false,
};
const defaultRedact = { headers: new Set(["authorization"]), queryParams: new Set<string>() };

/**
 * Counts the request and queues its log record, once the client has its response (so no
 * request waits for it). The record is built here, a few microseconds each, rather than 500
 * at a time when the batch is written, which stalled every request in flight for a millisecond
 * or more. Only the record waits for its batch, not the request's plan or closures: what waits
 * lives through young-generation collections and is copied each time.
 */
export function log(deps: SentinelDeps, prepared: Prepared, finished: Finished): void {
  const { route, outcome } = prepared;
  const denial = prepared.result.kind === "reject" ? prepared.result.denial : undefined;
  deps.metrics?.request(
    finished.status,
    finished.outcome,
    finished.instance ? finished.upstreamMs : undefined,
  );
  const logging = outcome?.logging ?? noLogging;
  const facts: RequestFacts = {
    time: finished.time,
    requestId: finished.requestId,
    host: prepared.host,
    method: finished.method,
    path: prepared.path,
    rawQuery: prepared.query,
    status: finished.status,
    totalLatencyMs: deps.monotonic() - finished.started,
    upstreamLatencyMs: finished.upstreamMs,
    region: deps.settings.region.own,
    instance: finished.instance?.id,
    deploymentId: route?.config.deploymentId,
    environmentId: route?.config.environmentId,
    outcome: finished.outcome,
    policy: denial?.policy,
    clientIp: prepared.clientIp,
    userAgent: finished.requestHeaders["user-agent"]?.[0],
    logging,
    redact: route?.redact ?? defaultRedact,
    requestHeaders: logging.requestHeaders ? finished.requestHeaders : undefined,
    responseHeaders: logging.responseHeaders ? finished.responseHeaders : undefined,
    requestBody: finished.requestCapture,
    responseBody: finished.responseCapture,
  };
  deps.logs.push(buildLogRecord(facts));
}
