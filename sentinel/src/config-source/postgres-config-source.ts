import type { ConfigSnapshot, ConfigSource } from "@slipway/shared/gateway";
import pg from "pg";
import { type GatewayRouteRow, type RouteProblem, snapshotFromRows } from "./gateway-route-rows.js";

/** The channel the migration's triggers notify on every commit that can move traffic. */
export const gatewayConfigChannel = "slipway_gateway_config";

const routesQuery = `select kind, deployment_id, workspace_id, environment_id, hosts,
  upstream_protocol, policies from gateway_routes`;

export interface PostgresConfigSourceOptions {
  connectionString: string;
  /** Reconnect backoff: doubles from min to max while PostgreSQL stays away. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A full reload this often whatever the notifications say: the backstop for a lost one. */
  resyncMs?: number;
  /** A query or connect slower than this counts as a dead connection. */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  /** Routes left out of a snapshot (their hosts answer 404) and why. */
  onProblems?: (problems: RouteProblem[]) => void;
}

/**
 * Sentinel's routes from the control plane's database: one connection that LISTENs on the
 * triggers' channel and re-reads the `gateway_routes` view on every notification (coalesced:
 * a burst costs at most two queries). When PostgreSQL goes away the last snapshot keeps
 * serving and the connection comes back with capped exponential backoff; after every
 * (re)connect the view is read again, since notifications sent meanwhile are lost.
 */
export class PostgresConfigSource implements ConfigSource {
  private readonly listeners = new Set<(snapshot: ConfigSnapshot) => void>();
  private readonly options: Required<Omit<PostgresConfigSourceOptions, "onError" | "onProblems">> &
    PostgresConfigSourceOptions;
  private client: pg.Client | undefined;
  private current: ConfigSnapshot | undefined;
  private first: { resolve: (snapshot: ConfigSnapshot) => void; promise: Promise<ConfigSnapshot> };
  private started = false;
  private closed = false;
  private reloading = false;
  private reloadAgain = false;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly lost = new WeakSet<pg.Client>();
  /** Snapshots read so far (changed or not), for tests and metrics. */
  loads = 0;

  constructor(options: PostgresConfigSourceOptions) {
    this.options = {
      minBackoffMs: 100,
      maxBackoffMs: 5000,
      resyncMs: 30_000,
      timeoutMs: 5000,
      ...options,
    };
    this.backoffMs = this.options.minBackoffMs;
    let resolve!: (snapshot: ConfigSnapshot) => void;
    const promise = new Promise<ConfigSnapshot>((r) => {
      resolve = r;
    });
    this.first = { resolve, promise };
  }

  /** Whether the LISTEN connection is up right now. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** The newest snapshot read; later ones than `load()`'s go to subscribers only. */
  get latest(): ConfigSnapshot | undefined {
    return this.current;
  }

  /** Resolves with the first snapshot read, however long PostgreSQL takes to answer. */
  load(): Promise<ConfigSnapshot> {
    if (!this.started) {
      this.started = true;
      this.resyncTimer = setInterval(() => void this.reload(), this.options.resyncMs).unref();
      void this.connect();
    }
    return this.first.promise;
  }

  subscribe(onSnapshot: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(onSnapshot);
    return () => this.listeners.delete(onSnapshot);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.resyncTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.timeoutMs,
      query_timeout: this.options.timeoutMs,
      keepAlive: true,
      application_name: "slipway-sentinel",
    });
    const lost = (error: unknown) => this.lose(client, error);
    client.on("error", lost);
    client.on("end", () => lost(new Error("the PostgreSQL connection ended")));
    client.on("notification", (message) => {
      if (message.channel === gatewayConfigChannel) void this.reload();
    });
    try {
      await client.connect();
      await client.query(`listen ${gatewayConfigChannel}`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = this.options.minBackoffMs;
    await this.reload();
  }

  /** Drops a dead connection once and schedules the next attempt. */
  private lose(client: pg.Client, error: unknown): void {
    // "error" and "end" both fire for one dead connection: one reconnect for both.
    if (this.lost.has(client)) return;
    this.lost.add(client);
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.onError?.(error);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    const client = this.client;
    if (!client) return;
    this.reloading = true;
    try {
      do {
        this.reloadAgain = false;
        const result = await client.query<GatewayRouteRow>(routesQuery);
        this.loads++;
        this.publish(result.rows);
      } while (this.reloadAgain && !this.closed);
    } catch (error) {
      this.lose(client, error);
    } finally {
      this.reloading = false;
    }
  }

  private publish(rows: GatewayRouteRow[]): void {
    const { snapshot, problems } = snapshotFromRows(rows);
    if (problems.length > 0) this.options.onProblems?.(problems);
    if (this.current?.version === snapshot.version) return;
    const isFirst = this.current === undefined;
    this.current = snapshot;
    if (isFirst) this.first.resolve(snapshot);
    else for (const listener of this.listeners) listener(snapshot);
  }
}
