import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { TLSSocket } from "node:tls";
import type { LoggingPolicy } from "@slipway/shared/policy";
import { Cancellation } from "../forward/cancellation.js";
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
import { type Prepared, prepareRequest } from "./prepare-request.js";
import type { SentinelDeps } from "./sentinel-deps.js";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

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
      if (!res.headersSent) res.writeHead(500).end();
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
    } else respond(deps, req, res, begun, prepared).catch(failed);
  };
}

async function respond(
  deps: SentinelDeps,
  req: Request,
  res: Response,
  begun: Begun,
  prepared: Prepared,
): Promise<void> {
  const { headers, requestId, cancel } = begun;
  const { result } = prepared;
  const logging = prepared.outcome?.logging;
  const requestCapture = logging?.requestBody ? new BodyCapture() : undefined;
  let status = 0;
  let instance: Instance | undefined;
  let upstreamMs = 0;
  let responseCapture: BodyCapture | undefined;
  let upstreamHeaders: Finished["responseHeaders"] = {};
  let outcome: "allowed" | "denied" | "error" = "allowed";

  const fail = (code: GatewayErrorCode, detail: string, extra: Record<string, string> = {}) => {
    const response = denyResponse(code, detail, requestId, headers.accept?.[0], extra);
    status = response.status;
    upstreamHeaders = response.headers;
    if (!res.headersSent) res.writeHead(response.status, response.headers).end(response.body);
    else res.destroy();
  };

  if (result.kind === "reject") {
    outcome = result.denial ? "denied" : "error";
    // Nobody is left to answer when the client went away (during a wake).
    if (result.code === "client_closed_request") status = 499;
    else fail(result.code, result.detail, result.headers);
  } else {
    const body = hasBody(req, headers)
      ? lazyBody(req, requestCapture ? (chunk) => requestCapture.push(chunk) : undefined)
      : undefined;
    const upstreamStart = deps.monotonic();
    let response: UpstreamResponse | undefined;
    let lastError: unknown;
    const attempts = Math.min(result.candidates.length, deps.settings.maxAttempts);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const candidate = result.candidates[attempt]!;
      instance = candidate;
      try {
        response = await deps.forwarders[prepared.route!.config.upstreamProtocol].send({
          instance: candidate,
          method: req.method ?? "GET",
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
      upstreamMs = deps.monotonic() - upstreamStart;
      outcome = "error";
      if (cancel.cancelled) status = 499;
      else if (lastError instanceof UpstreamTimeout)
        fail("gateway_timeout", "The app did not answer in time.");
      else {
        deps.onError?.(lastError, { stage: "forward", instance: instance?.id });
        fail("bad_gateway", "The app could not be reached.");
      }
    } else {
      status = response.status;
      upstreamHeaders = response.headers;
      const outgoing = responseHeaders(response.headers);
      const limits = prepared.outcome?.rateLimitHeaders;
      if (limits) for (const name in limits) outgoing.push(name, limits[name]!);
      outgoing.push(requestIdHeader, requestId);
      res.writeHead(response.status, outgoing as unknown as Record<string, string>);
      response.onTrailers((trailers) => {
        if ("addTrailers" in res) res.addTrailers(trailers as Record<string, string>);
      });
      responseCapture = logging?.responseBody ? new BodyCapture() : undefined;
      const capture = responseCapture;
      try {
        await response.relay(res, capture ? (chunk) => capture.push(chunk) : undefined);
      } catch {
        // The client or the upstream went away mid-body; both sides are destroyed.
        if (cancel.cancelled) status = 499;
      }
      upstreamMs = deps.monotonic() - upstreamStart;
    }
  }
  log(deps, prepared, {
    time: begun.time,
    requestId,
    started: begun.started,
    status,
    upstreamMs,
    instance,
    outcome,
    method: req.method ?? "GET",
    requestHeaders: headers,
    responseHeaders: upstreamHeaders,
    requestCapture,
    responseCapture,
  });
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

const noLogging: LoggingPolicy = {
  requestHeaders: false,
  responseHeaders: false,
  requestBody: false,
  responseBody: false,
  query: false,
};
const defaultRedact = { headers: new Set(["authorization"]), queryParams: new Set<string>() };

/**
 * Counts the request and queues its log record. The record is built when its batch is written,
 * off the request path, from a flat set of facts: values and the header lists the request
 * already has, and those only when the logging policy asks for them. Nothing else of the
 * request (its prepared plan, its closures) is kept while the record waits for its batch: what
 * waits lives through young-generation collections and is copied each time.
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
  deps.logs.push(() => buildLogRecord(facts));
}
