import type { Actor } from "../db/repositories/audit-log-repository.js";
import type { SessionView } from "../services/sessions.js";

/** Who a /v2 request acts as: a root key, or a dashboard session (a key's or a GitHub user's). */
export interface Principal {
  workspaceId: string;
  permissions: string[];
  /** Recorded on the audit rows of what the request changes. */
  actor: Actor;
  /** Present when the request authenticated with the session cookie. */
  session?: SessionView;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}
