import swagger from "@fastify/swagger";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

/** The OpenAPI document is generated from the same zod schemas that validate requests. */
export const openapiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Slipway API",
          version: "2.0.0",
          description:
            "Wire-compatible with Unkey's v2 API: POST /v2/<service>.<method> with a root key.",
        },
        components: {
          securitySchemes: {
            rootKey: { type: "http", scheme: "bearer", description: "A Slipway root key" },
            session: {
              type: "apiKey",
              in: "cookie",
              name: "slipway_session",
              description:
                "The dashboard's session (sessions.createSession); every call but sessions.getSession also sends its CSRF token as X-Slipway-CSRF",
            },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
