import type { Principal } from "@slipway/shared/gateway";
import { type Cancellation, cancelledResult } from "../forward/cancellation.js";
import {
  type Denial,
  evaluatePolicies,
  type PolicyOutcome,
  type PolicyServices,
} from "../policies/evaluate-policies.js";
import {
  type ForwardHeaders,
  type ForwardPlan,
  forwardHeaders,
  principalHeader,
} from "../request/forward-headers.js";
import {
  maxPathLength,
  type NormalizedTarget,
  normalizeTarget,
} from "../request/normalize-path.js";
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

/** The parts of a request that matchers read; the query is parsed only if one reads it. */
class PreparedView implements RequestView {
  private parsedQuery: Map<string, string[]> | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly headers: Readonly<Record<string, readonly string[] | undefined>>,
    private readonly rawQuery: string,
    readonly clientIp: string,
  ) {}

  get query(): Map<string, string[]> {
    this.parsedQuery ??= parseQuery(this.rawQuery);
    return this.parsedQuery;
  }
}

function prepared(
  base: Pick<Prepared, "host" | "path" | "query" | "clientIp">,
  result: Rejection | Forwardable,
  route?: CompiledRoute,
  outcome?: PolicyOutcome,
): Prepared {
  const out: Prepared = {
    host: base.host,
    path: base.path,
    query: base.query,
    clientIp: base.clientIp,
    result,
  };
  if (route) out.route = route;
  if (outcome) out.outcome = outcome;
  return out;
}

/**
 * The request chain up to forwarding: normalise the target, plan headers (loop check, client
 * IP), route by host, run the policies, pick instances. No socket I/O; only the policies'
 * services are called. Answers without a promise when nothing had to wait (no wake, no
 * policy that waits on Redis or PostgreSQL), as for most requests.
 */
export function prepareRequest(
  deps: SentinelDeps,
  incoming: IncomingFacts,
  turn: number,
): Prepared | Promise<Prepared> {
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
    return prepared(base, reject(code, targetProblems[normalized]), route);
  }
  if ((incoming.headers.host?.length ?? 0) > 1) {
    // RFC 9112 §3.2: a request with more than one Host field is answered 400.
    return prepared(base, reject("bad_request", "The request has more than one Host header."));
  }
  if (!plan) {
    return prepared(
      base,
      reject("loop_detected", "The request passed through Sentinel too many times."),
    );
  }
  const route = deps.routes.lookup(plan.host);
  if (!route) {
    return prepared(base, reject("not_found", `No app is served at ${plan.host || "this host"}.`));
  }
  deps.activity?.seen(route.config.deploymentId);
  const view = new PreparedView(
    incoming.method,
    normalized.decoded,
    incoming.headers,
    normalized.query,
    plan.clientIp,
  );
  const policiesFailed = (error: unknown): Prepared => {
    // Fail closed: a policy that cannot be evaluated does not let the request through.
    deps.onError?.(error, { stage: "policies", host: plan.host });
    const unavailable = reject(
      "service_unavailable",
      "The gateway could not evaluate its policies.",
    );
    return prepared(base, unavailable, route);
  };
  const decide = (outcome: PolicyOutcome) =>
    afterPolicies(deps, incoming, turn, { base, route, plan, normalized, outcome });
  const services: PolicyServices = {
    keyVerifier: deps.keyVerifier,
    rateLimiter: deps.rateLimiter,
    now: deps.clock,
  };
  if (route.config.workspaceId) services.workspaceId = route.config.workspaceId;
  let outcome: PolicyOutcome | Promise<PolicyOutcome>;
  try {
    outcome = evaluatePolicies(route.policies, view, services);
  } catch (error) {
    return policiesFailed(error);
  }
  return outcome instanceof Promise ? outcome.then(decide, policiesFailed) : decide(outcome);
}

interface Evaluated {
  base: Pick<Prepared, "host" | "path" | "query" | "clientIp">;
  route: CompiledRoute;
  plan: ForwardPlan;
  normalized: NormalizedTarget;
  outcome: PolicyOutcome;
}

/** After the policies: a denial, or the instances to try (waking an idle deployment). */
function afterPolicies(
  deps: SentinelDeps,
  incoming: IncomingFacts,
  turn: number,
  evaluated: Evaluated,
): Prepared | Promise<Prepared> {
  const { base, route, outcome } = evaluated;
  if (outcome.denial) {
    const { denial } = outcome;
    const result = { ...reject(denial.code, denial.detail, denial.headers), denial };
    return prepared(base, result, route, outcome);
  }
  const candidates = instancesOf(deps, route, turn);
  if (candidates.length > 0) return forwardable(deps, evaluated, candidates);
  return wakeAndForward(deps, incoming, turn, evaluated);
}

const instancesOf = (deps: SentinelDeps, route: CompiledRoute, turn: number) =>
  chooseInstances(deps.instances.instances(route.config.deploymentId), deps.settings.region, turn);

/** None anywhere: an idle deployment is woken (the wait is shared and bounded). */
async function wakeAndForward(
  deps: SentinelDeps,
  incoming: IncomingFacts,
  turn: number,
  evaluated: Evaluated,
): Promise<Prepared> {
  const { base, route, outcome } = evaluated;
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
    return prepared(base, gone, route, outcome);
  }
  const candidates = woken === "ready" ? instancesOf(deps, route, turn) : [];
  if (candidates.length === 0) {
    const why = wakeRejection(woken === "ready" ? "not_idle" : woken, waker?.timeoutMs ?? 0);
    return prepared(base, reject(why.code, why.detail, why.headers), route, outcome);
  }
  return forwardable(deps, evaluated, candidates);
}

function forwardable(deps: SentinelDeps, evaluated: Evaluated, candidates: Instance[]): Prepared {
  const { base, route, plan, normalized, outcome } = evaluated;
  const headers = plan.headers;
  let query = normalized.query;
  if (outcome.principal) headers[principalHeader] = principalJson(outcome.principal);
  if (outcome.credential && deps.settings.stripCredentials) {
    const { source } = outcome.credential;
    // Set to undefined rather than deleted: a deleted field turns the object into a slow
    // dictionary for every reader after this (the forwarders skip undefined fields).
    if (source.kind === "header") headers[source.name] = undefined;
    else query = withoutParam(query, source.name);
  }
  const target = query ? `${normalized.forwarded}?${query}` : normalized.forwarded;
  return prepared(base, { kind: "forward", target, headers, candidates }, route, outcome);
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
