import { eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { environmentVariables } from "../db/schema/index.js";
import type { EnvVarCipher } from "./env-var-cipher.js";

/** The context each value is sealed with: its environment and key, so a value can't be moved. */
export const sealingContext = (environmentId: string, key: string) => `${environmentId}/${key}`;

/**
 * Every variable of an environment, decrypted, for a build or a rollout. The values live only in
 * the caller's memory: never log, persist or return them through the API.
 */
export async function decryptEnvironmentVariables(
  db: DatabaseOrTransaction,
  cipher: EnvVarCipher,
  environmentId: string,
): Promise<Record<string, string>> {
  const rows = await db
    .select()
    .from(environmentVariables)
    .where(eq(environmentVariables.environmentId, environmentId));
  const variables: Record<string, string> = {};
  for (const row of rows) {
    variables[row.key] = cipher.open(row, sealingContext(row.environmentId, row.key));
  }
  return variables;
}
