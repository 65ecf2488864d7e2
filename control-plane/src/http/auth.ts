import { AppError } from "@slipway/shared";
import { and, eq, isNull } from "drizzle-orm";
import fp from "fastify-plugin";
import { hashRootKey } from "../crypto/root-key.js";
import { rootKeys } from "../db/schema/index.js";
import { createRootKeyCache } from "./root-key-cache.js";

export interface Principal {
  workspaceId: string;
  rootKeyId: string;
  permissions: string[];
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Resolves the bearer root key of every /v2 request to its workspace before any handler runs and
 * before any body is read. Decided on the route the router matched (after it decoded the path),
 * never on the raw URL: `/%76%32/…` reaches the same route and needs the same key.
 */
export const authPlugin = fp(
  async (app) => {
    const cache = createRootKeyCache<Principal>();
    app.addHook("onRequest", async (request) => {
      // An unmatched URL keeps the raw path: a /v2 address that exists for nobody is still 401.
      const route = request.routeOptions.url ?? request.url;
      if (!route.startsWith("/v2/") || route === "/v2/liveness") return;
      const header = request.headers.authorization;
      if (!header) {
        throw new AppError("unauthorized", "Send a root key as 'Authorization: Bearer <key>'.");
      }
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) {
        throw new AppError("unauthorized", "The Authorization header must be 'Bearer <root key>'.");
      }
      const hash = hashRootKey(match[1]!);
      const principal = await cache.get(hash, async () => {
        const [row] = await app.db
          .select()
          .from(rootKeys)
          .where(and(eq(rootKeys.hash, hash), isNull(rootKeys.revokedAt)))
          .limit(1);
        return (
          row && { workspaceId: row.workspaceId, rootKeyId: row.id, permissions: row.permissions }
        );
      });
      if (!principal)
        throw new AppError("unauthorized", "The root key is not valid or has been revoked.");
      request.principal = principal;
    });
  },
  { name: "auth", dependencies: ["database"] },
);
