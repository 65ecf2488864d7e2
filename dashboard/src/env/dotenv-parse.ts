/**
 * Pure: `.env` text to key/value entries, in order, the way a person pastes it: `KEY=value`,
 * optional `export `, `#` comments, blank lines, single quotes (literal), double quotes (with
 * `\n`, `\t`, `\"`, `\\` escapes, and line breaks inside), and unquoted values whose trailing
 * ` # comment` is dropped. Lines it cannot read are returned with their line number, not guessed.
 */
export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
}

export interface DotenvProblem {
  line: number;
  text: string;
  reason: string;
}

export interface DotenvParse {
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Bounds what one paste can cost: a browser tab never parses more than this. */
export const maxDotenvBytes = 1_000_000;

export function parseDotenv(text: string): DotenvParse {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  if (text.length > maxDotenvBytes) {
    return { entries, problems: [{ line: 1, text: "", reason: "the text is over 1 MB" }] };
  }
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const raw = lines[index] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const assignment = trimmed.replace(/^export\s+/, "");
    const equals = assignment.indexOf("=");
    if (equals <= 0) {
      problems.push({ line: lineNumber, text: raw, reason: "expected KEY=value" });
      continue;
    }
    const key = assignment.slice(0, equals).trim();
    if (!keyPattern.test(key)) {
      problems.push({
        line: lineNumber,
        text: raw,
        reason: "a key is letters, digits and underscores, not starting with a digit",
      });
      continue;
    }
    const rest = assignment.slice(equals + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const closed = readQuoted(lines, index, rest, quote);
      if (!closed) {
        problems.push({ line: lineNumber, text: raw, reason: `unclosed ${quote} quote` });
        continue;
      }
      entries.push({ key, value: closed.value, line: lineNumber });
      index = closed.lastLine;
      continue;
    }
    entries.push({ key, value: rest.replace(/\s+#.*$/, "").trimEnd(), line: lineNumber });
  }
  return { entries, problems };
}

function readQuoted(
  lines: string[],
  firstLine: number,
  rest: string,
  quote: '"' | "'",
): { value: string; lastLine: number } | null {
  let body = rest.slice(1);
  for (let lineIndex = firstLine; lineIndex < lines.length; lineIndex++) {
    const end = closingQuote(body, quote);
    if (end >= 0) {
      const value = body.slice(0, end);
      return { value: quote === '"' ? unescapeDouble(value) : value, lastLine: lineIndex };
    }
    const next = lines[lineIndex + 1];
    if (next === undefined) return null;
    body = `${body}\n${next}`;
  }
  return null;
}

function closingQuote(body: string, quote: string): number {
  for (let position = 0; position < body.length; position++) {
    if (quote === '"' && body[position] === "\\") {
      position++;
      continue;
    }
    if (body[position] === quote) return position;
  }
  return -1;
}

function unescapeDouble(value: string): string {
  return value.replace(/\\([nrt"\\])/g, (_match, escaped: string) => {
    switch (escaped) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      default:
        return escaped;
    }
  });
}
