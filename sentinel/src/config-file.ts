import { readFile } from "node:fs/promises";
import type { ConfigSnapshot, ConfigSource } from "@slipway/shared/gateway";
import { policyLimits, policySchema } from "@slipway/shared/policy";
import { z } from "zod";
import type { Instance } from "./routing/instances.js";

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9.-]+$/, "must be a lower-case hostname without a port");

const fileSchema = z.strictObject({
  version: z.string().optional(),
  routes: z.array(
    z.strictObject({
      hosts: z.array(hostname).min(1),
      environmentId: z.string().min(1),
      workspaceId: z.string().min(1).optional(),
      deploymentId: z.string().min(1),
      upstreamProtocol: z.enum(["http1", "h2c"]).default("http1"),
      policies: z
        .array(z.intersection(z.object({ id: z.string().min(1) }), policySchema))
        .max(policyLimits.policiesPerEnvironment)
        .default([]),
    }),
  ),
  /** Without a cluster: instances per deployment id. */
  instances: z
    .record(
      z.string(),
      z.array(
        z.strictObject({
          id: z.string(),
          address: z.string(),
          port: z.number().int().min(1).max(65535),
          region: z.string(),
        }),
      ),
    )
    .default({}),
});

export interface ConfigFile {
  snapshot: ConfigSnapshot;
  instances: Record<string, Instance[]>;
}

/** Parses the JSON config file; the error says which entry is wrong. */
export function parseConfigFile(text: string, fallbackVersion: string): ConfigFile {
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `invalid config file:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  }
  const { version, routes, instances } = parsed.data;
  return { snapshot: { version: version ?? fallbackVersion, routes }, instances };
}

/**
 * A ConfigSource reading a JSON file, re-read when it changes (polled every second). Stands in
 * for the control plane's PostgreSQL loader; a file that fails to parse leaves the last good
 * snapshot in force.
 */
export class FileConfigSource implements ConfigSource {
  private listeners = new Set<(snapshot: ConfigSnapshot) => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastText = "";

  constructor(
    private readonly path: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async loadFile(): Promise<ConfigFile> {
    const text = await readFile(this.path, "utf8");
    this.lastText = text;
    return parseConfigFile(text, new Date().toISOString());
  }

  async load(): Promise<ConfigSnapshot> {
    return (await this.loadFile()).snapshot;
  }

  subscribe(onSnapshot: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(onSnapshot);
    this.timer ??= setInterval(() => void this.poll(), 1000).unref();
    return () => {
      this.listeners.delete(onSnapshot);
      if (this.listeners.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async poll(): Promise<void> {
    try {
      const text = await readFile(this.path, "utf8");
      if (text === this.lastText) return;
      this.lastText = text;
      const { snapshot } = parseConfigFile(text, new Date().toISOString());
      for (const listener of this.listeners) listener(snapshot);
    } catch (error) {
      this.onError(error);
    }
  }
}
