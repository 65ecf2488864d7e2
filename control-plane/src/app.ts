import { PgRequestLogReader } from "@slipway/request-logs";
import { newId } from "@slipway/shared";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import { defaultDashboardDir, loadDashboardFiles } from "./dashboard/dashboard-files.js";
import { serveDashboard } from "./dashboard/serve-dashboard.js";
import type { Database } from "./db/client.js";
import { installStateKey } from "./github/install-state.js";
import { signInStateKey } from "./github/sign-in-state.js";
import { githubWebhookRoute } from "./github-intake/webhook-route.js";
import { authPlugin } from "./http/auth.js";
import { refuseControlCharacters } from "./http/control-characters.js";
import type { ContextFactory } from "./http/define-route.js";
import { errorHandlerPlugin } from "./http/error-handler.js";
import type { JobQueues } from "./jobs/queues.js";
import { withoutGitHubReports } from "./jobs/without-github-reports.js";
import { startKeyRuntime } from "./key-verification.js";
import { logOptions } from "./logging/log-options.js";
import type { PlatformClients } from "./platform-clients.js";
import { databasePlugin } from "./plugins/database.js";
import { healthPlugin } from "./plugins/health.js";
import { openapiPlugin } from "./plugins/openapi.js";
import { apiRoutes } from "./routes/apis.js";
import { appRoutes } from "./routes/apps.js";
import { auditLogRoutes } from "./routes/audit-logs.js";
import { deploymentLogPage } from "./routes/deployment-log-page.js";
import { deploymentSourceRoutes } from "./routes/deployment-source.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { domainRoutes } from "./routes/domains.js";
import { environmentRoutes } from "./routes/environments.js";
import { gatewayRoutes } from "./routes/gateway.js";
import { githubRoutes } from "./routes/github.js";
import { githubSignInRoutes } from "./routes/github-sign-in.js";
import { identityRoutes } from "./routes/identities.js";
import { keyGrantRoutes } from "./routes/key-grants.js";
import { keyRoutes } from "./routes/keys.js";
import { permissionRoutes } from "./routes/permissions.js";
import { projectRoutes } from "./routes/projects.js";
import { ratelimitRoutes } from "./routes/ratelimit.js";
import { requestLogRoutes } from "./routes/request-logs.js";
import { sentinelWakeRoute } from "./routes/sentinel-wake.js";
import { sessionRoutes } from "./routes/sessions.js";
import { type DnsLookup, systemDnsLookup } from "./services/dns-resolver.js";

export interface AppDependencies {
  config: Config;
  /** The process's clients of outside systems, made once by its composition root. */
  clients: PlatformClients;
  db: Database;
  redis?: Redis;
  /** Where webhook deliveries are enqueued; without it `/webhooks/github` answers 503. */
  queues?: JobQueues;
  clock?: Clock;
  dns?: DnsLookup;
  logger?: FastifyServerOptions["logger"];
  /** A pino logger shared with background workers; takes precedence over `logger`. */
  loggerInstance?: FastifyBaseLogger;
}

/** The dashboard's build, unless turned off (`off`) or not built; read once, at start. */
async function loadDashboard(configured: string | undefined, log: FastifyBaseLogger) {
  if (configured === "off") return undefined;
  const dir = configured ?? defaultDashboardDir;
  const files = await loadDashboardFiles(dir);
  if (files) log.info({ dir, files: files.size }, "serving the dashboard at /");
  else log.info({ dir }, "no dashboard build (index.html) found; the dashboard is not served");
  return files;
}

/**
 * Composes the API in order: infrastructure, then cross-cutting HTTP concerns, then routes.
 * Everything with I/O is handed in, so tests drive the clock, DNS and the database.
 */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : {
          logger: deps.logger ?? logOptions(deps.config.LOG_LEVEL),
        }),
    bodyLimit: deps.config.SLIPWAY_BODY_LIMIT,
    // Slow and stalled clients are cut off: no socket is held for minutes by a trickle of bytes.
    requestTimeout: deps.config.SLIPWAY_REQUEST_TIMEOUT_MS,
    connectionTimeout: deps.config.SLIPWAY_IDLE_TIMEOUT_MS,
    keepAliveTimeout: 5000,
    http: {
      headersTimeout: Math.max(1000, Math.floor(deps.config.SLIPWAY_REQUEST_TIMEOUT_MS / 5)),
      // How often Node looks for requests past their timeouts (its default is every 30 s).
      connectionsCheckingInterval: 1000,
    },
    genReqId: () => newId("request"),
    requestIdHeader: false,
  });
  app.server.headersTimeout = Math.max(
    1000,
    Math.floor(deps.config.SLIPWAY_REQUEST_TIMEOUT_MS / 5),
  );
  // The API speaks JSON only: a text body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Before any schema sees them: a control character in a body or query is a 400 naming where.
  app.addHook("preValidation", async (request) => refuseControlCharacters(request));
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  await app.register(databasePlugin, { db: deps.db });
  const dashboard = await loadDashboard(deps.config.SLIPWAY_DASHBOARD_DIR, app.log);
  const pageFallback = dashboard && serveDashboard(app, dashboard);
  await app.register(errorHandlerPlugin, { notFoundFallback: pageFallback });
  await app.register(openapiPlugin);
  await app.register(healthPlugin, {
    redis: deps.redis,
    version: deps.config.SLIPWAY_VERSION,
  });
  const clock = deps.clock ?? (() => new Date());
  await app.register(authPlugin, { now: clock, publicUrl: deps.config.SLIPWAY_PUBLIC_URL });

  const { cipher, githubSource } = deps.clients;
  const dns = deps.dns ?? systemDnsLookup();
  const jobs = githubSource || !deps.queues ? deps.queues : withoutGitHubReports(deps.queues);
  // One verifier per API process, closed with the server.
  const keyRuntime = deps.redis
    ? await startKeyRuntime({
        db: deps.db,
        redis: deps.redis,
        redisPrefix: `${deps.config.SLIPWAY_QUEUE_PREFIX}:`,
        whenRedisFails: deps.config.SLIPWAY_RATELIMIT_WHEN_REDIS_FAILS,
        onError: (error) =>
          app.log.error({ err: error }, "key verification background work failed"),
        onRedisFailure: (error, answer) =>
          app.log.warn(
            { err: error, answer },
            `a ratelimit check was answered without Redis (fail-${answer})`,
          ),
      })
    : undefined;
  if (keyRuntime) app.addHook("onClose", () => keyRuntime.close());
  const requestLogs = new PgRequestLogReader(deps.db.$client);
  const makeContext: ContextFactory = (request, workspaceId, actor, access) => ({
    db: deps.db,
    workspaceId,
    access,
    actor,
    requestId: request.id,
    clock,
    cipher,
    dns,
    jobs,
    config: deps.config,
    githubSource,
    keys: keyRuntime?.keys,
    requestLogs,
  });

  await app.register(githubWebhookRoute, {
    db: deps.db,
    queues: deps.queues,
    secret: deps.config.GITHUB_WEBHOOK_SECRET,
    bodyLimit: deps.config.GITHUB_WEBHOOK_BODY_LIMIT,
    clock,
  });
  const installationDeps = {
    db: deps.db,
    github: deps.clients.github,
    githubUsers: deps.clients.githubUsers,
    publicUrl: deps.config.SLIPWAY_PUBLIC_URL,
    stateKey: installStateKey(deps.config.SLIPWAY_ENCRYPTION_KEYS[0]!.key),
    appSlug: deps.config.GITHUB_APP_SLUG,
    webUrl: deps.config.GITHUB_WEB_URL,
    now: () => clock().getTime(),
  };
  await app.register(sentinelWakeRoute, {
    db: deps.db,
    jobs,
    clock,
    token: deps.config.SLIPWAY_SENTINEL_TOKEN,
  });
  deploymentLogPage(app, { db: deps.db });
  const sessionDeps = {
    db: deps.db,
    clock,
    ttlSeconds: deps.config.SLIPWAY_SESSION_TTL_SECONDS,
    maxPerWorkspace: deps.config.SLIPWAY_SESSIONS_PER_WORKSPACE,
    publicUrl: deps.config.SLIPWAY_PUBLIC_URL,
  };
  await app.register(async (routes) => {
    sessionRoutes(routes, sessionDeps);
    githubSignInRoutes(routes, {
      ...sessionDeps,
      githubUsers: deps.clients.githubUsers,
      stateKey: signInStateKey(deps.config.SLIPWAY_ENCRYPTION_KEYS[0]!.key),
      webUrl: deps.config.GITHUB_WEB_URL,
    });
    projectRoutes(routes, makeContext);
    githubRoutes(routes, makeContext, installationDeps);
    appRoutes(routes, makeContext);
    environmentRoutes(routes, makeContext);
    gatewayRoutes(routes, makeContext);
    domainRoutes(routes, makeContext);
    deploymentRoutes(routes, makeContext);
    deploymentSourceRoutes(routes, makeContext, {
      bodyLimit: deps.config.SLIPWAY_SOURCE_UPLOAD_LIMIT,
      quotaBytes: deps.config.SLIPWAY_SOURCE_UPLOAD_QUOTA,
    });
    auditLogRoutes(routes, makeContext);
    apiRoutes(routes, makeContext);
    keyRoutes(routes, makeContext);
    keyGrantRoutes(routes, makeContext);
    identityRoutes(routes, makeContext);
    permissionRoutes(routes, makeContext);
    requestLogRoutes(routes, makeContext);
    ratelimitRoutes(routes, makeContext);
  });
  return app;
}
