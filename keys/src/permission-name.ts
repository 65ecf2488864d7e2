/** Unkey's rule for permission names (and the names inside a permission query). */
export const permissionNamePattern = /^[a-zA-Z0-9_:\-.*]+$/;
/** Unkey's limit on a permission's name and slug. */
export const permissionNameMaxLength = 512;

export function isValidPermissionName(name: string): boolean {
  return name.length <= permissionNameMaxLength && permissionNamePattern.test(name);
}
