/** SQLSTATE 23505: a unique index refused the row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = (error as { cause?: unknown })?.cause ?? error;
  const pgError = candidate as { code?: string; constraint?: string };
  if (pgError?.code !== "23505") {
    const direct = error as { code?: string; constraint?: string };
    if (direct?.code !== "23505") return false;
    return constraint === undefined || direct.constraint === constraint;
  }
  return constraint === undefined || pgError.constraint === constraint;
}
