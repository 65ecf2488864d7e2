import type {
  KeyRejection,
  KeyVerification,
  KeyVerificationRequest,
  KeyVerifier,
  Principal,
  RateLimiter,
  RateLimitState,
} from "@slipway/shared/gateway";
import { defaultKeyCredits, type LoggingPolicy } from "@slipway/shared/policy";
import type { RequestView } from "../request/request-view.js";
import type { GatewayErrorCode } from "../respond/gateway-errors.js";
import type { CompiledPolicy } from "./compile-policy.js";
import { type ExtractedKey, extractKey } from "./extract-key.js";
import { ratelimitIdentifier } from "./ratelimit-identifier.js";

export interface Denial {
  code: GatewayErrorCode;
  detail: string;
  policy: CompiledPolicy;
  headers: Record<string, string>;
}

export interface PolicyOutcome {
  denial?: Denial;
  principal?: Principal;
  /** The credential a keyauth policy verified, so it can be stripped before forwarding. */
  credential?: ExtractedKey;
  /** Every matching enabled logging policy, combined. */
  logging: LoggingPolicy;
  /** `X-RateLimit-*` of the last limit that counted this request. */
  rateLimitHeaders: Readonly<Record<string, string>>;
}

export interface PolicyServices {
  keyVerifier: KeyVerifier;
  /** The route's workspace, passed to the key verifier. */
  workspaceId?: string;
  rateLimiter: RateLimiter;
  now: () => number;
}

const keyRejection: Record<KeyRejection, { code: GatewayErrorCode; detail: string }> = {
  NOT_FOUND: { code: "unauthorized", detail: "The API key is not valid." },
  FORBIDDEN: { code: "forbidden", detail: "The API key may not be used here." },
  DISABLED: { code: "forbidden", detail: "The API key is disabled." },
  EXPIRED: { code: "forbidden", detail: "The API key has expired." },
  INSUFFICIENT_PERMISSIONS: {
    code: "forbidden",
    detail: "The API key lacks the permissions this route requires.",
  },
  RATE_LIMITED: { code: "too_many_requests", detail: "The API key's rate limit was exceeded." },
  USAGE_EXCEEDED: { code: "too_many_requests", detail: "The API key has no credits left." },
};

function rateLimitHeaders(state: RateLimitState, now: number, denied: boolean) {
  const headers: Record<string, string> = {
    "x-ratelimit-limit": String(state.limit),
    "x-ratelimit-remaining": String(Math.max(0, state.remaining)),
    "x-ratelimit-reset": String(Math.ceil(state.reset / 1000)),
  };
  if (denied) headers["retry-after"] = String(Math.max(1, Math.ceil((state.reset - now) / 1000)));
  return headers;
}

/** Shared by every outcome that no limit counted (read-only: a limit replaces it). */
const noRateLimitHeaders: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Policies top to bottom: disabled ones and those whose `match` fails are skipped, the first
 * rejection stops the chain. Logging policies never reject; all matching ones are combined,
 * wherever they sit in the list, so a denied request is logged as asked too.
 * The outcome comes without a promise when no policy had to wait (firewall rules, a cached key
 * without ratelimits or credits): this runs for every request.
 */
export function evaluatePolicies(
  policies: readonly CompiledPolicy[],
  request: RequestView,
  services: PolicyServices,
): PolicyOutcome | Promise<PolicyOutcome> {
  const outcome: PolicyOutcome = {
    logging: {
      requestHeaders: false,
      responseHeaders: false,
      requestBody: false,
      responseBody: false,
      query: false,
    },
    rateLimitHeaders: noRateLimitHeaders,
  };
  // One pass to match (the logging of every matching policy applies, even past a denial),
  // then the chain; no arrays built when every policy is a plain rule.
  let active: CompiledPolicy[] | undefined;
  for (const policy of policies) {
    if (!policy.enabled || !policy.matches(request)) continue;
    if (policy.kind === "logging") {
      const logging = policy.policy.logging!;
      const combined = outcome.logging;
      combined.requestHeaders ||= logging.requestHeaders;
      combined.responseHeaders ||= logging.responseHeaders;
      combined.requestBody ||= logging.requestBody;
      combined.responseBody ||= logging.responseBody;
      combined.query ||= logging.query;
      continue;
    }
    if (policy.kind === "openapi") continue; // a no-op until a spec can be uploaded
    if (active) active.push(policy);
    else active = [policy];
  }
  if (!active) return outcome;
  return runChain(active, 0, request, services, outcome);
}

/** The active policies from `from` on, synchronously until one has to wait. */
function runChain(
  active: readonly CompiledPolicy[],
  from: number,
  request: RequestView,
  services: PolicyServices,
  outcome: PolicyOutcome,
): PolicyOutcome | Promise<PolicyOutcome> {
  for (let i = from; i < active.length; i++) {
    const denial = evaluateOne(active[i]!, request, services, outcome);
    if (denial instanceof Promise) {
      return denial.then((settled) => {
        if (!settled) return runChain(active, i + 1, request, services, outcome);
        outcome.denial = settled;
        return outcome;
      });
    }
    if (denial) {
      outcome.denial = denial;
      break;
    }
  }
  return outcome;
}

type Evaluated = Denial | undefined | Promise<Denial | undefined>;

function evaluateOne(
  policy: CompiledPolicy,
  request: RequestView,
  services: PolicyServices,
  outcome: PolicyOutcome,
): Evaluated {
  switch (policy.kind) {
    case "firewall":
      return {
        code: "forbidden",
        detail: `The request was blocked by the firewall policy "${policy.name}".`,
        policy,
        headers: {},
      };
    case "keyauth":
      return evaluateKeyauth(policy, request, services, outcome);
    case "ratelimit":
      return evaluateRatelimit(policy, request, services, outcome);
    case "openapi":
      // No OpenAPI spec can be uploaded yet: the SDK documents this as a pass-through.
      return undefined;
    case "logging":
      return undefined;
  }
}

function evaluateKeyauth(
  policy: CompiledPolicy,
  request: RequestView,
  services: PolicyServices,
  outcome: PolicyOutcome,
): Evaluated {
  const keyauth = policy.policy.keyauth!;
  const found = extractKey(keyauth.locations, request);
  if (!found) {
    return {
      code: "unauthorized",
      detail: "An API key is required.",
      policy,
      headers: { "www-authenticate": "Bearer" },
    };
  }
  const verifyRequest: KeyVerificationRequest = {
    key: found.key,
    keyspaces: keyauth.keyspaces,
    credits: keyauth.credits ?? defaultKeyCredits,
  };
  if (services.workspaceId) verifyRequest.workspaceId = services.workspaceId;
  if (keyauth.permissionQuery) verifyRequest.permissionQuery = keyauth.permissionQuery;
  if (keyauth.ratelimits) verifyRequest.ratelimits = keyauth.ratelimits;
  const decide = (verification: KeyVerification): Denial | undefined => {
    if (verification.ratelimit) {
      outcome.rateLimitHeaders = rateLimitHeaders(
        verification.ratelimit,
        services.now(),
        !verification.valid,
      );
    }
    if (!verification.valid) {
      const { code, detail } = keyRejection[verification.code];
      return { code, detail, policy, headers: { ...outcome.rateLimitHeaders } };
    }
    outcome.principal = verification.principal;
    outcome.credential = found;
    return undefined;
  };
  const verification = services.keyVerifier.verify(verifyRequest);
  return verification instanceof Promise ? verification.then(decide) : decide(verification);
}

async function evaluateRatelimit(
  policy: CompiledPolicy,
  request: RequestView,
  services: PolicyServices,
  outcome: PolicyOutcome,
): Promise<Denial | undefined> {
  const ratelimit = policy.policy.ratelimit!;
  const result = await services.rateLimiter.limit({
    namespace: policy.rateLimitNamespace!,
    identifier: ratelimitIdentifier(ratelimit.identifiers, request, outcome.principal),
    limit: ratelimit.limit,
    windowMs: ratelimit.windowMs,
    cost: 1,
  });
  outcome.rateLimitHeaders = rateLimitHeaders(result, services.now(), !result.success);
  if (result.success) return undefined;
  return {
    code: "too_many_requests",
    detail: `Rate limit "${policy.name}" exceeded.`,
    policy,
    headers: { ...outcome.rateLimitHeaders },
  };
}
