import { z } from "zod";

/** The SDK's firewall `Action`. */
export const firewallActions = ["ACTION_DENY"] as const;

/** The SDK's `FirewallPolicy`. */
export const firewallPolicySchema = z.strictObject({ action: z.enum(firewallActions) });

export type FirewallPolicy = z.infer<typeof firewallPolicySchema>;
