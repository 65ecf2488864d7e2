import type {
  KeyLocation,
  MatchExpr,
  MatchMethod,
  PolicyInput,
  PolicyKind,
  RatelimitIdentifier,
  StoredPolicy,
  StringMatch,
} from "@slipway/shared/policy";

/**
 * What the policy editor holds: every field as typed (numbers as text), one shape for every rule
 * kind so switching kinds keeps what was typed. `policyFromDraft` turns it into the API's
 * `Policy`; the shared `policySchema` (the server's own) then says what is wrong with it.
 */
/** The SDK's `MethodMatchMethod` values (policy-draft.test.ts checks them against the schema's). */
export const matchMethods: readonly MatchMethod[] = [
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
];

export type MatchTarget = "path" | "method" | "header" | "queryParam";
export type StringMode = "exact" | "prefix" | "regex";

export interface MatchDraft {
  target: MatchTarget;
  /** Header or query parameter name. */
  name: string;
  /** For header and query parameter: present (any value) or a string match. */
  mode: StringMode | "present";
  value: string;
  ignoreCase: boolean;
  methods: MatchMethod[];
}

export type IdentifierSource =
  | "remoteIp"
  | "header"
  | "authenticatedSubject"
  | "path"
  | "principalField";

export interface IdentifierDraft {
  source: IdentifierSource;
  /** Header name or principal path. */
  value: string;
}

export interface LocationDraft {
  type: "bearer" | "header" | "queryParam";
  name: string;
  stripPrefix: string;
}

export interface KeyRatelimitDraft {
  name: string;
  limit: string;
  duration: string;
  cost: string;
}

export interface PolicyDraft {
  name: string;
  enabled: boolean;
  kind: PolicyKind;
  match: MatchDraft[];
  ratelimit: { limit: string; windowMs: string; identifiers: IdentifierDraft[] };
  keyauth: {
    keyspaces: string;
    locations: LocationDraft[];
    permissionQuery: string;
    credits: string;
    ratelimits: KeyRatelimitDraft[];
  };
  logging: {
    requestHeaders: boolean;
    responseHeaders: boolean;
    requestBody: boolean;
    responseBody: boolean;
    query: boolean;
  };
}

export const emptyMatch: MatchDraft = {
  target: "path",
  name: "",
  mode: "prefix",
  value: "",
  ignoreCase: false,
  methods: [],
};

export function emptyDraft(): PolicyDraft {
  return {
    name: "",
    enabled: true,
    kind: "firewall",
    match: [],
    ratelimit: {
      limit: "100",
      windowMs: "60000",
      identifiers: [{ source: "remoteIp", value: "" }],
    },
    keyauth: { keyspaces: "", locations: [], permissionQuery: "", credits: "", ratelimits: [] },
    logging: {
      requestHeaders: false,
      responseHeaders: false,
      requestBody: false,
      responseBody: false,
      query: false,
    },
  };
}

function stringMatchDraft(match: StringMatch): Pick<MatchDraft, "mode" | "value" | "ignoreCase"> {
  const mode: StringMode =
    match.regex !== undefined ? "regex" : match.prefix !== undefined ? "prefix" : "exact";
  return { mode, value: match[mode] ?? "", ignoreCase: match.ignoreCase === true };
}

function matchDraft(expression: MatchExpr): MatchDraft {
  if (expression.path) {
    return { ...emptyMatch, target: "path", ...stringMatchDraft(expression.path.path) };
  }
  if (expression.method)
    return { ...emptyMatch, target: "method", methods: expression.method.methods };
  const target = expression.header ? "header" : "queryParam";
  const field = expression.header ?? expression.queryParam!;
  return {
    ...emptyMatch,
    target,
    name: field.name,
    ...(field.value ? stringMatchDraft(field.value) : { mode: "present" as const }),
  };
}

function identifierDraft(identifier: RatelimitIdentifier): IdentifierDraft {
  if (identifier.header) return { source: "header", value: identifier.header.name };
  if (identifier.principalField) {
    return { source: "principalField", value: identifier.principalField.path };
  }
  const source = (["remoteIp", "authenticatedSubject", "path"] as const).find(
    (name) => identifier[name] !== undefined,
  );
  return { source: source ?? "remoteIp", value: "" };
}

function locationDraft(location: KeyLocation): LocationDraft {
  if (location.header) {
    return {
      type: "header",
      name: location.header.name,
      stripPrefix: location.header.stripPrefix ?? "",
    };
  }
  if (location.queryParam)
    return { type: "queryParam", name: location.queryParam.name, stripPrefix: "" };
  return { type: "bearer", name: "", stripPrefix: "" };
}

const text = (value: number | undefined) => (value === undefined ? "" : String(value));

/** A stored policy as the editor shows it. */
export function draftFromPolicy(policy: StoredPolicy): PolicyDraft {
  const draft = emptyDraft();
  draft.name = policy.name;
  draft.enabled = policy.enabled;
  draft.match = (policy.match ?? []).map(matchDraft);
  if (policy.ratelimit) {
    draft.kind = "ratelimit";
    draft.ratelimit = {
      limit: String(policy.ratelimit.limit),
      windowMs: String(policy.ratelimit.windowMs),
      identifiers: policy.ratelimit.identifiers.map(identifierDraft),
    };
  } else if (policy.keyauth) {
    draft.kind = "keyauth";
    draft.keyauth = {
      keyspaces: policy.keyauth.keyspaces.join(", "),
      locations: (policy.keyauth.locations ?? []).map(locationDraft),
      permissionQuery: policy.keyauth.permissionQuery ?? "",
      credits: text(policy.keyauth.credits),
      ratelimits: (policy.keyauth.ratelimits ?? []).map((limit) => ({
        name: limit.name,
        limit: text(limit.limit),
        duration: text(limit.duration),
        cost: text(limit.cost),
      })),
    };
  } else if (policy.logging) {
    draft.kind = "logging";
    draft.logging = { ...draft.logging, ...policy.logging };
  } else if (policy.openapi) {
    draft.kind = "openapi";
  } else {
    draft.kind = "firewall";
  }
  return draft;
}

/** Text to a number for the schema to judge: blank is "not set", anything else stays visible as NaN. */
function numberOrUndefined(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value.trim());
}

function stringMatch(draft: MatchDraft): StringMatch {
  const mode = draft.mode === "present" ? "exact" : draft.mode;
  return { [mode]: draft.value, ...(draft.ignoreCase ? { ignoreCase: true } : {}) };
}

export function matchFromDraft(draft: MatchDraft): MatchExpr {
  switch (draft.target) {
    case "path":
      return { path: { path: stringMatch(draft) } };
    case "method":
      return { method: { methods: draft.methods } };
    default: {
      const field =
        draft.mode === "present"
          ? { name: draft.name.trim(), present: true as const }
          : { name: draft.name.trim(), value: stringMatch(draft) };
      return draft.target === "header" ? { header: field } : { queryParam: field };
    }
  }
}

function identifierFromDraft(draft: IdentifierDraft): RatelimitIdentifier {
  switch (draft.source) {
    case "header":
      return { header: { name: draft.value.trim() } };
    case "principalField":
      return { principalField: { path: draft.value.trim() } };
    default:
      return { [draft.source]: {} };
  }
}

function locationFromDraft(draft: LocationDraft): KeyLocation {
  if (draft.type === "header") {
    return {
      header: {
        name: draft.name.trim(),
        ...(draft.stripPrefix ? { stripPrefix: draft.stripPrefix } : {}),
      },
    };
  }
  if (draft.type === "queryParam") return { queryParam: { name: draft.name.trim() } };
  return { bearer: {} };
}

function ruleFromDraft(draft: PolicyDraft): Partial<PolicyInput> {
  switch (draft.kind) {
    case "firewall":
      return { firewall: { action: "ACTION_DENY" } };
    case "openapi":
      return { openapi: {} };
    case "logging":
      return { logging: { ...draft.logging } };
    case "ratelimit":
      return {
        ratelimit: {
          limit: Number(draft.ratelimit.limit),
          windowMs: Number(draft.ratelimit.windowMs),
          identifiers: draft.ratelimit.identifiers.map(identifierFromDraft),
        },
      };
    case "keyauth": {
      const { keyauth } = draft;
      const credits = numberOrUndefined(keyauth.credits);
      return {
        keyauth: {
          keyspaces: keyauth.keyspaces
            .split(",")
            .map((keyspace) => keyspace.trim())
            .filter(Boolean),
          ...(keyauth.locations.length > 0
            ? { locations: keyauth.locations.map(locationFromDraft) }
            : {}),
          ...(keyauth.permissionQuery.trim()
            ? { permissionQuery: keyauth.permissionQuery.trim() }
            : {}),
          ...(credits === undefined ? {} : { credits }),
          ...(keyauth.ratelimits.length > 0
            ? {
                ratelimits: keyauth.ratelimits.map((limit) => {
                  const [count, duration, cost] = [limit.limit, limit.duration, limit.cost].map(
                    numberOrUndefined,
                  );
                  return {
                    name: limit.name.trim(),
                    ...(count === undefined ? {} : { limit: count }),
                    ...(duration === undefined ? {} : { duration }),
                    ...(cost === undefined ? {} : { cost }),
                  };
                }),
              }
            : {}),
        },
      };
    }
  }
}

/** Pure: the draft as the API's `Policy` (what setPolicies takes), not yet validated. */
export function policyFromDraft(draft: PolicyDraft): PolicyInput {
  return {
    name: draft.name.trim(),
    enabled: draft.enabled,
    ...(draft.match.length > 0 ? { match: draft.match.map(matchFromDraft) } : {}),
    ...ruleFromDraft(draft),
  } as PolicyInput;
}
