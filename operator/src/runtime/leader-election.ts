import { setTimeout as sleep } from "node:timers/promises";
import { isConflict, type KubeApi } from "@slipway/shared/kube";
import type { Logger } from "./logger.js";

export interface LeaderElectionConfig {
  namespace: string;
  leaseName: string;
  identity: string;
  leaseDurationSeconds: number;
  renewIntervalMs: number;
}

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
const microTime = (date: Date) => date.toISOString().replace(/Z$/, "000Z");

/**
 * client-go's Lease lock: take the Lease when it is free or expired, renew it before it
 * expires, and give up leading (the process then exits) when renewing keeps failing past the
 * lease duration, so two replicas never both write. Every update is a compare-and-swap on
 * resourceVersion, so a race for the Lease has exactly one winner.
 */
export class LeaderElector {
  private leading = false;

  constructor(
    private readonly kube: KubeApi,
    private readonly config: LeaderElectionConfig,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private get path() {
    const { namespace, leaseName } = this.config;
    return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${leaseName}`;
  }

  /** One attempt to acquire or renew; true while this identity holds the Lease. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { identity, leaseDurationSeconds, namespace, leaseName } = this.config;
    const now = this.clock();
    const lease = await this.kube.find<Lease>(this.path);
    try {
      if (!lease) {
        await this.kube.create(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: leaseName, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return true;
      }
      const holder = lease.spec.holderIdentity;
      const renewed = Date.parse(lease.spec.renewTime ?? "") || 0;
      const duration = (lease.spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
      const heldByOther = !!holder && holder !== identity && renewed + duration > now.getTime();
      if (heldByOther) return false;
      const takingOver = holder !== identity;
      await this.kube.replace(this.path, {
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: takingOver ? microTime(now) : lease.spec.acquireTime,
          renewTime: microTime(now),
          leaseTransitions: (lease.spec.leaseTransitions ?? 0) + (takingOver ? 1 : 0),
        },
      });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  /**
   * Waits for the Lease, runs `lead` while holding it and resolves when leadership is lost
   * or `signal` aborts (then the Lease is released so a standby takes over at once).
   */
  async run(lead: () => Promise<() => Promise<void>>, signal: AbortSignal): Promise<void> {
    const { renewIntervalMs, leaseDurationSeconds } = this.config;
    while (!signal.aborted && !(await this.attempt())) {
      await sleep(renewIntervalMs, undefined, { signal }).catch(() => undefined);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.log.info("became leader", { lease: this.config.leaseName });
    const stopLeading = await lead();
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(renewIntervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      if (await this.attempt()) {
        lastRenew = Date.now();
      } else if (Date.now() + renewIntervalMs - lastRenew >= leaseDurationSeconds * 800) {
        // The next try would come too close to expiry, when a standby may take over: stop now.
        this.log.error("lost leadership", { lease: this.config.leaseName });
        break;
      }
    }
    this.leading = false;
    await stopLeading();
    if (signal.aborted) await this.release();
  }

  private async attempt(): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew();
    } catch (error) {
      this.log.warn("lease request failed", { err: error });
      return false;
    }
  }

  /** Gives the Lease up (only if still ours) so another replica need not wait for expiry. */
  async release(): Promise<void> {
    try {
      const lease = await this.kube.find<Lease>(this.path);
      if (lease?.spec.holderIdentity !== this.config.identity) return;
      await this.kube.replace(this.path, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: null, renewTime: microTime(this.clock()) },
      });
    } catch (error) {
      this.log.warn("could not release the lease", { err: error });
    }
  }
}
