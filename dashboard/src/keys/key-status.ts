/** Pure: what a key's row says about whether it verifies, from the list response alone. */
export function keyStatus(
  key: { enabled: boolean; expires?: number | undefined; credits?: { remaining: number | null } },
  nowMs: number,
): "Enabled" | "Disabled" | "Expired" | "Out of credits" {
  if (!key.enabled) return "Disabled";
  if (key.expires !== undefined && key.expires <= nowMs) return "Expired";
  if (key.credits?.remaining === 0) return "Out of credits";
  return "Enabled";
}
