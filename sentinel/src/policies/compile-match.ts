import { compileRegex, type MatchExpr, type StringMatch } from "@slipway/shared/policy";
import type { RequestView } from "../request/request-view.js";

export type StringMatcher = (input: string) => boolean;
export type RequestMatcher = (request: RequestView) => boolean;

/**
 * A StringMatch as a function. Regexes run on re2js (linear time in the input, and inputs are
 * bounded: paths by normalize-path, headers by the server's header size limit).
 * RE2 `regex` matches anywhere in the input, as RE2's and Go's `MatchString` do; anchor with `^…$`.
 */
export function compileStringMatch(match: StringMatch): StringMatcher {
  const ignoreCase = match.ignoreCase === true;
  if (match.regex !== undefined) {
    const regex = compileRegex(match.regex, ignoreCase);
    return (input) => regex.test(input);
  }
  if (match.exact !== undefined) {
    const exact = ignoreCase ? match.exact.toLowerCase() : match.exact;
    return ignoreCase ? (input) => input.toLowerCase() === exact : (input) => input === exact;
  }
  const prefix = ignoreCase ? match.prefix!.toLowerCase() : match.prefix!;
  return ignoreCase
    ? (input) => input.toLowerCase().startsWith(prefix)
    : (input) => input.startsWith(prefix);
}

function anyValue(values: readonly string[] | undefined, matcher: StringMatcher | undefined) {
  if (!values || values.length === 0) return false;
  return matcher === undefined || values.some(matcher);
}

/** One MatchExpr; header and query matches see every value of a repeated name. */
export function compileMatchExpr(expr: MatchExpr): RequestMatcher {
  if (expr.path) {
    const matcher = compileStringMatch(expr.path.path);
    return (request) => matcher(request.path);
  }
  if (expr.method) {
    const methods = new Set<string>(expr.method.methods);
    return (request) => methods.has(request.method.toUpperCase());
  }
  if (expr.header) {
    const name = expr.header.name.toLowerCase();
    const matcher = expr.header.value ? compileStringMatch(expr.header.value) : undefined;
    return (request) => anyValue(request.headers[name], matcher);
  }
  const field = expr.queryParam!;
  const matcher = field.value ? compileStringMatch(field.value) : undefined;
  return (request) => anyValue(request.query.get(field.name), matcher);
}

/** All expressions ANDed; no expressions match every request. */
export function compileMatch(match: readonly MatchExpr[] | undefined): RequestMatcher {
  const matchers = (match ?? []).map(compileMatchExpr);
  if (matchers.length === 0) return () => true;
  if (matchers.length === 1) return matchers[0]!;
  // A loop, not `every` with an arrow: this runs for every policy of every request.
  return (request) => {
    for (let i = 0; i < matchers.length; i++) if (!matchers[i]!(request)) return false;
    return true;
  };
}
