/**
 * SQLSTATE 23505: a unique index refused the row. drizzle wraps the driver's error, so the
 * code may sit on the error itself or on its cause.
 */
export function isUniqueViolation(error: unknown): boolean {
  const codeOf = (value: unknown) => (value as { code?: unknown } | undefined)?.code;
  return (
    codeOf(error) === "23505" ||
    codeOf((error as { cause?: unknown } | undefined)?.cause) === "23505"
  );
}
