import { isValidPermissionName, permissionNameMaxLength } from "./permission-name.js";
import { compileWildcard, type WildcardPattern, wildcardMatches } from "./wildcard.js";

export const permissionQueryMaxLength = 1000;

export type PermissionQuery =
  | { kind: "permission"; name: string }
  | { kind: "and"; operands: PermissionQuery[] }
  | { kind: "or"; operands: PermissionQuery[] };

/** A query that does not parse; the API answers 400 with `message`. */
export class PermissionQueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "PermissionQueryError";
  }
}

type Token =
  | { kind: "name"; value: string; position: number }
  | { kind: "and" | "or" | "open" | "close" | "end"; position: number };

const nameCharacter = /[a-zA-Z0-9_:\-.*]/;

/** Operators are whole words in any case: `AND`, `and`, `And`; `android` is a name. */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const character = query[i]!;
    if (character === " " || character === "\t" || character === "\n" || character === "\r") {
      i++;
    } else if (character === "(") {
      tokens.push({ kind: "open", position: i++ });
    } else if (character === ")") {
      tokens.push({ kind: "close", position: i++ });
    } else if (nameCharacter.test(character)) {
      const start = i;
      while (i < query.length && nameCharacter.test(query[i]!)) i++;
      const word = query.slice(start, i);
      const lower = word.toLowerCase();
      if (lower === "and" || lower === "or") tokens.push({ kind: lower, position: start });
      else tokens.push({ kind: "name", value: word, position: start });
    } else {
      throw new PermissionQueryError(`unexpected character '${character}' at position ${i}`, i);
    }
  }
  tokens.push({ kind: "end", position: query.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case "name":
      return `'${token.value}'`;
    case "end":
      return "the end of the query";
    case "open":
      return "'('";
    case "close":
      return "')'";
    default:
      return token.kind.toUpperCase();
  }
}

/**
 * Parses `a AND (b OR c)`: OR of ANDs, AND binding tighter, parentheses grouping.
 *   query  := term (OR term)*
 *   term   := factor (AND factor)*
 *   factor := name | "(" query ")"
 * The 1000-character bound also bounds the nesting depth (at most 500), so recursion is safe.
 */
export function parsePermissionQuery(query: string): PermissionQuery {
  if (query.length > permissionQueryMaxLength) {
    throw new PermissionQueryError(
      `a permission query is at most ${permissionQueryMaxLength} characters`,
      permissionQueryMaxLength,
    );
  }
  const tokens = tokenize(query);
  let index = 0;
  const peek = () => tokens[index]!;
  const fail = (expected: string): never => {
    const token = peek();
    throw new PermissionQueryError(
      `expected ${expected} but found ${describe(token)} at position ${token.position}`,
      token.position,
    );
  };

  const parseFactor = (): PermissionQuery => {
    const token = peek();
    if (token.kind === "name") {
      if (!isValidPermissionName(token.value)) {
        fail(`a permission name of at most ${permissionNameMaxLength} characters`);
      }
      index++;
      return { kind: "permission", name: token.value };
    }
    if (token.kind === "open") {
      index++;
      const inner = parseOr();
      if (peek().kind !== "close") fail("')'");
      index++;
      return inner;
    }
    return fail("a permission name or '('");
  };

  const parseAnd = (): PermissionQuery => {
    const operands = [parseFactor()];
    while (peek().kind === "and") {
      index++;
      operands.push(parseFactor());
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  };

  const parseOr = (): PermissionQuery => {
    const operands = [parseAnd()];
    while (peek().kind === "or") {
      index++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  };

  const parsed = parseOr();
  if (peek().kind !== "end") fail("AND, OR or the end of the query");
  return parsed;
}

/**
 * The permissions a key holds, ready for queries. A granted name with `*` grants every name it
 * matches, anchored at both ends (`documents.*` grants `documents.read`), as the SDK documents;
 * Unkey's own server compares names literally.
 */
export interface GrantedPermissions {
  exact: ReadonlySet<string>;
  wildcards: readonly WildcardPattern[];
}

export function grantPermissions(names: Iterable<string>): GrantedPermissions {
  const exact = new Set<string>();
  const wildcards: WildcardPattern[] = [];
  for (const name of names) {
    exact.add(name);
    if (name.includes("*")) wildcards.push(compileWildcard(name));
  }
  return { exact, wildcards };
}

export function holdsPermission(granted: GrantedPermissions, name: string): boolean {
  if (granted.exact.has(name)) return true;
  for (const pattern of granted.wildcards) if (wildcardMatches(pattern, name)) return true;
  return false;
}

export function evaluatePermissionQuery(
  query: PermissionQuery,
  granted: GrantedPermissions,
): boolean {
  switch (query.kind) {
    case "permission":
      return holdsPermission(granted, query.name);
    case "and":
      return query.operands.every((operand) => evaluatePermissionQuery(operand, granted));
    case "or":
      return query.operands.some((operand) => evaluatePermissionQuery(operand, granted));
  }
}
