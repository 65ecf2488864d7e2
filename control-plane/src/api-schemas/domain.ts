import { z } from "zod";
import { cursorSchema, identifierSchema, searchSchema } from "./common.js";

export const dnsRecordSchema = z.object({
  type: z.enum(["CNAME", "ALIAS", "TXT"]),
  name: z.string(),
  value: z.string(),
  ttl: z.number(),
  verified: z.boolean(),
  note: z.string().optional(),
});

export const domainSchema = z.object({
  id: z.string(),
  domain: z.string(),
  projectId: z.string(),
  appId: z.string(),
  environmentId: z.string(),
  status: z.enum(["pending", "verifying", "verified", "failed"]),
  verificationError: z.string().optional(),
  dnsRecords: z.array(dnsRecordSchema),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
});

export const createDomainBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  domain: z.string().min(1).max(253),
});
export const createDomainData = z.object({
  domainId: z.string(),
  dnsRecords: z.array(dnsRecordSchema),
  domainConnect: z.object({ provider: z.string(), url: z.string() }).optional(),
});
/** A domain is named by its id or by its hostname. */
export const domainRefBody = z.strictObject({ domain: z.string().min(1).max(253) });
export const listDomainsBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  limit: z.number().int().min(1).max(100).default(100),
  cursor: cursorSchema,
  search: searchSchema,
});
