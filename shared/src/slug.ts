/**
 * A slug is a DNS label (RFC 1123): it becomes part of hostnames and Kubernetes object names.
 * The same rule is a CHECK constraint in the database, so no path can store a bad one.
 */
export const slugPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const slugPatternSql = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
export const slugMaxLength = 63;

export function isSlug(value: string): boolean {
  return slugPattern.test(value);
}
