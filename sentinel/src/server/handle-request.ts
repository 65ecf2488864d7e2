import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { TLSSocket } from "node:tls";
import { Cancellation } from "../forward/cancellation.js";
import {
  ConnectFailed,
  lazyBody,
  type UpstreamResponse,
  UpstreamTimeout,
} from "../forward/upstream.js";
import { BodyCapture } from "../logs/body-capture.js";
import { buildLogRecord } from "../logs/build-log-record.js";
import { requestIdHeader, responseHeaders } from "../request/forward-headers.js";
import { denyResponse } from "../respond/deny-response.js";
import type { GatewayErrorCode } from "../respond/gateway-errors.js";
import type { Instance } from "../routing/instances.js";
import { type Prepared, prepareRequest } from "./prepare-request.js";
import { distinctHeaders } from "./raw-headers.js";
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

/** The HTTP handler: the chain, then one forwarding attempt per candidate while connects fail. */
export function createRequestHandler(deps: SentinelDeps) {
  let turn = 0;
  return (req: Request, res: Response): void => {
    void handle(deps, req, res, turn++).catch((error: unknown) => {
      deps.onError?.(error, { stage: "handler" });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}

async function handle(deps: SentinelDeps, req: Request, res: Response, turn: number) {
  const started = deps.monotonic();
  const time = deps.clock();
  const requestId = deps.newRequestId();
  const headers = distinctHeaders(req.rawHeaders);
  const cancel = new Cancellation();
  res.once("close", () => {
    if (!res.writableFinished) cancel.cancel(new Error("client went away"));
  });
  const prepared = await prepareRequest(
    deps,
    {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers,
      peerIp: req.socket.remoteAddress ?? "",
      tls: req.socket instanceof TLSSocket,
      upgrade: false,
      requestId,
      cancel,
    },
    turn,
  );
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
    for (const candidate of result.candidates.slice(0, deps.settings.maxAttempts)) {
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
    time,
    requestId,
    started,
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
  responseHeaders: readonly string[] | Record<string, string | string[] | number | undefined>;
  requestCapture: BodyCapture | undefined;
  responseCapture: BodyCapture | undefined;
}

const isFlat = (headers: Finished["responseHeaders"]): headers is readonly string[] =>
  Array.isArray(headers);

export function log(deps: SentinelDeps, prepared: Prepared, finished: Finished): void {
  const { route, outcome } = prepared;
  const denial = prepared.result.kind === "reject" ? prepared.result.denial : undefined;
  deps.metrics?.request(
    finished.status,
    finished.outcome,
    finished.instance ? finished.upstreamMs : undefined,
  );
  const totalLatencyMs = deps.monotonic() - finished.started;
  deps.logs.push(() =>
    buildLogRecord({
      time: finished.time,
      requestId: finished.requestId,
      host: prepared.host,
      method: finished.method,
      path: prepared.path,
      rawQuery: prepared.query,
      status: finished.status,
      totalLatencyMs,
      upstreamLatencyMs: finished.upstreamMs,
      region: deps.settings.region.own,
      ...(finished.instance ? { instance: finished.instance.id } : {}),
      ...(route
        ? { deploymentId: route.config.deploymentId, environmentId: route.config.environmentId }
        : {}),
      outcome: finished.outcome,
      ...(denial ? { policy: { id: denial.policy.id, name: denial.policy.name } } : {}),
      clientIp: prepared.clientIp,
      ...(finished.requestHeaders["user-agent"]?.[0]
        ? { userAgent: finished.requestHeaders["user-agent"][0] }
        : {}),
      logging: outcome?.logging ?? {
        requestHeaders: false,
        responseHeaders: false,
        requestBody: false,
        responseBody: false,
        query: false,
      },
      redact: route?.redact ?? { headers: new Set(["authorization"]), queryParams: new Set() },
      requestHeaders: finished.requestHeaders,
      responseHeaders: isFlat(finished.responseHeaders)
        ? distinctHeaders(finished.responseHeaders)
        : finished.responseHeaders,
      ...(finished.requestCapture ? { requestBody: finished.requestCapture } : {}),
      ...(finished.responseCapture ? { responseBody: finished.responseCapture } : {}),
    }),
  );
}
