import type { Principal } from "@slipway/shared/gateway";
import { type Cancellation, cancelledResult } from "../forward/cancellation.js";
import {
  type Denial,
  evaluatePolicies,
  type PolicyOutcome,
} from "../policies/evaluate-policies.js";
import {
  type ForwardHeaders,
  type ForwardPlan,
  forwardHeaders,
  principalHeader,
} from "../request/forward-headers.js";
import { maxPathLength, normalizeTarget } from "../request/normalize-path.js";
import { parseQuery, type RequestView } from "../request/request-view.js";
import type { GatewayErrorCode } from "../respond/gateway-errors.js";
import { chooseInstances } from "../routing/choose-instances.js";
import type { Instance } from "../routing/instances.js";
import type { CompiledRoute } from "../routing/route-table.js";
import { wakeRejection } from "../wake/wake-rejection.js";
import type { SentinelDeps } from "./sentinel-deps.js";

export interface IncomingFacts {
  method: string;
  url: string;
  /** Lower-case names, every value. */
  headers: Record<string, string[]>;
  peerIp: string;
  tls: boolean;
  upgrade: boolean;
  requestId: string;
  /** The client going away: a request waiting for a wake stops waiting. */
  cancel?: Cancellation;
}

export interface Rejection {
  kind: "reject";
  code: GatewayErrorCode;
  detail: string;
  headers: Record<string, string>;
  denial?: Denial;
}

export interface Forwardable {
  kind: "forward";
  target: string;
  headers: ForwardHeaders;
  candidates: Instance[];
}

/** What is known of a request before forwarding; the log record is built from it. */
export interface Prepared {
  host: string;
  path: string;
  query: string;
  clientIp: string;
  route?: CompiledRoute;
  outcome?: PolicyOutcome;
  result: Rejection | Forwardable;
}

const reject = (
  code: GatewayErrorCode,
  detail: string,
  headers: Record<string, string> = {},
): Rejection => ({ kind: "reject", code, detail, headers });

const targetProblems = {
  invalid_target: "The request target is not a path.",
  invalid_encoding: "The request path has invalid percent-encoding.",
  control_character: "The request path contains a control character.",
  too_long: `The request path is longer than ${maxPathLength} bytes.`,
} as const;

/**
 * The request chain up to forwarding: normalise the target, plan headers (loop check, client
 * IP), route by host, run the policies, pick instances. No socket I/O; only the policies'
 * services are called.
 */
export async function prepareRequest(
  deps: SentinelDeps,
  incoming: IncomingFacts,
  turn: number,
): Promise<Prepared> {
  const { settings } = deps;
  const normalized = normalizeTarget(incoming.url);
  const planned = forwardHeaders(incoming.headers, {
    peerIp: incoming.peerIp,
    trustedProxies: settings.trustedProxies,
    tls: incoming.tls,
    requestId: incoming.requestId,
    maxHops: settings.maxHops,
    upgrade: incoming.upgrade,
  });
  const plan: ForwardPlan | undefined = planned === "loop" ? undefined : planned;
  const base = {
    host: plan?.host ?? "",
    // A target that does not parse is logged as sent, up to its query: the query may carry a
    // key, and without a parsed query there is nothing to redact it by.
    path:
      typeof normalized === "string"
        ? (incoming.url.split("?", 1)[0] ?? "").slice(0, 2048)
        : normalized.decoded,
    query: typeof normalized === "string" ? "" : normalized.query,
    clientIp: plan?.clientIp ?? incoming.peerIp,
  };
  if (typeof normalized === "string") {
    const code = normalized === "too_long" ? "uri_too_long" : "bad_request";
    // The route only files the log record under its deployment; nothing is evaluated.
    const route = plan ? deps.routes.lookup(plan.host) : undefined;
    return {
      ...base,
      ...(route ? { route } : {}),
      result: reject(code, targetProblems[normalized]),
    };
  }
  if ((incoming.headers.host?.length ?? 0) > 1) {
    // RFC 9112 §3.2: a request with more than one Host field is answered 400.
    return { ...base, result: reject("bad_request", "The request has more than one Host header.") };
  }
  if (!plan) {
    return {
      ...base,
      result: reject("loop_detected", "The request passed through Sentinel too many times."),
    };
  }
  const route = deps.routes.lookup(plan.host);
  if (!route) {
    return {
      ...base,
      result: reject("not_found", `No app is served at ${plan.host || "this host"}.`),
    };
  }
  deps.activity?.seen(route.config.deploymentId);
  // The query is parsed only if a policy reads it (most requests meet none that does).
  let parsedQuery: Map<string, string[]> | undefined;
  const view: RequestView = {
    method: incoming.method,
    path: normalized.decoded,
    headers: incoming.headers,
    get query() {
      parsedQuery ??= parseQuery(normalized.query);
      return parsedQuery;
    },
    clientIp: plan.clientIp,
  };
  let outcome: PolicyOutcome;
  try {
    outcome = await evaluatePolicies(route.policies, view, {
      keyVerifier: deps.keyVerifier,
      rateLimiter: deps.rateLimiter,
      now: deps.clock,
      ...(route.config.workspaceId ? { workspaceId: route.config.workspaceId } : {}),
    });
  } catch (error) {
    // Fail closed: a policy that cannot be evaluated does not let the request through.
    deps.onError?.(error, { stage: "policies", host: plan.host });
    return {
      ...base,
      route,
      result: reject("service_unavailable", "The gateway could not evaluate its policies."),
    };
  }
  if (outcome.denial) {
    const { denial } = outcome;
    return {
      ...base,
      route,
      outcome,
      result: { ...reject(denial.code, denial.detail, denial.headers), denial },
    };
  }
  const instancesOf = () =>
    chooseInstances(deps.instances.instances(route.config.deploymentId), settings.region, turn);
  let candidates = instancesOf();
  if (candidates.length === 0) {
    // None anywhere: an idle deployment is woken (the wait is shared and bounded).
    const { waker } = deps;
    const wake = waker ? waker.wake(route.config.deploymentId) : undefined;
    const woken = !wake
      ? "not_idle"
      : incoming.cancel
        ? await incoming.cancel.race(wake)
        : await wake;
    if (woken === cancelledResult) {
      // The client is gone; the wake goes on for the requests still waiting on it.
      const gone = reject("client_closed_request", "The client went away during the wake.");
      return { ...base, route, outcome, result: gone };
    }
    if (woken === "ready") candidates = instancesOf();
    if (candidates.length === 0) {
      const why = wakeRejection(woken === "ready" ? "not_idle" : woken, waker?.timeoutMs ?? 0);
      return { ...base, route, outcome, result: reject(why.code, why.detail, why.headers) };
    }
  }
  const headers = plan.headers;
  let query = normalized.query;
  if (outcome.principal) headers[principalHeader] = principalJson(outcome.principal);
  if (outcome.credential && settings.stripCredentials) {
    const { source } = outcome.credential;
    if (source.kind === "header") delete headers[source.name];
    else query = withoutParam(query, source.name);
  }
  return {
    ...base,
    route,
    outcome,
    result: {
      kind: "forward",
      target: query ? `${normalized.forwarded}?${query}` : normalized.forwarded,
      headers,
      candidates,
    },
  };
}

// The key verifier hands out one principal object per cached key (see keys-verifier-adapter),
// so its header value is serialised once per key, not once per request.
const principalJsonCache = new WeakMap<Principal, string>();

function principalJson(principal: Principal): string {
  let json = principalJsonCache.get(principal);
  if (json === undefined) {
    // JSON.stringify escapes control characters, so the value is a valid header field.
    json = JSON.stringify(principal).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    principalJsonCache.set(principal, json);
  }
  return json;
}

/** The raw query without any `name=` pair (names compared decoded). */
export function withoutParam(query: string, name: string): string {
  return query
    .split("&")
    .filter((pair) => {
      const rawName = pair.split("=", 1)[0] ?? "";
      try {
        return decodeURIComponent(rawName.replace(/\+/g, " ")) !== name;
      } catch {
        return true;
      }
    })
    .join("&");
}
