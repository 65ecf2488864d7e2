import { z } from "zod";

/** The SDK's `LoggingPolicy`: each capture is a separate opt-in, false when omitted. */
export const loggingPolicySchema = z.strictObject({
  requestHeaders: z.boolean().default(false),
  responseHeaders: z.boolean().default(false),
  requestBody: z.boolean().default(false),
  responseBody: z.boolean().default(false),
  query: z.boolean().default(false),
});

export type LoggingPolicy = z.output<typeof loggingPolicySchema>;
