import fp from "fastify-plugin";
import type { Database } from "../db/client.js";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
  }
}

/** Exposes the database handed to `buildApp`; the caller owns its lifetime. */
export const databasePlugin = fp<{ db: Database }>(
  async (app, options) => {
    app.decorate("db", options.db);
  },
  { name: "database" },
);
