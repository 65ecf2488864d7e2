import net from "node:net";
import type { Instance } from "../../routing/instances.js";

export interface UpstreamPoolOptions {
  /**
   * Idle sockets are closed after this; below Node's default 5 s server keep-alive, so a
   * request is never written onto a socket the app is closing.
   */
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  /** At most this many sockets per instance (busy and idle); further requests wait. */
  connectionsPerInstance: number;
}

/** A socket of the pool, with what its owner needs to know about it. */
export interface PooledSocket {
  socket: net.Socket;
  /** It served a request before: a failure before any answer may be the app's idle close. */
  reused: boolean;
}

type Waiter = (socket: PooledSocket | Error) => void;

/** One instance's sockets: idle ones (most recently used last), the count, who waits. */
class InstancePool {
  readonly idle: net.Socket[] = [];
  readonly waiters: Waiter[] = [];
  open = 0;
}

const idleTimers = new WeakMap<net.Socket, NodeJS.Timeout>();

function connectError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Keep-alive sockets to upstream instances, per instance: the socket used last is reused first
 * (it is the least likely to have been closed by the app's idle timer); an idle socket that the
 * app closes, or that idles past `keepAliveTimeoutMs`, leaves the pool at once.
 */
export class UpstreamPool {
  private readonly pools = new WeakMap<Instance, InstancePool>();
  private readonly all = new Set<net.Socket>();
  private closed = false;

  constructor(private readonly options: UpstreamPoolOptions) {}

  private poolOf(instance: Instance): InstancePool {
    let pool = this.pools.get(instance);
    if (!pool) {
      pool = new InstancePool();
      this.pools.set(instance, pool);
    }
    return pool;
  }

  /** An idle socket at once, else a new connection, else a place in the queue. */
  acquire(instance: Instance, fresh = false): PooledSocket | Promise<PooledSocket> {
    if (this.closed) return Promise.reject(connectError("the pool is closed", "ECONNREFUSED"));
    const pool = this.poolOf(instance);
    if (!fresh) {
      let socket = pool.idle.pop();
      // Closed while idle (the app's idle timer, ours): its close already made room.
      while (socket?.destroyed) socket = pool.idle.pop();
      if (socket) {
        clearTimeout(idleTimers.get(socket));
        socket.removeListener("close", onIdleClose).removeListener("data", onIdleData);
        return { socket, reused: true };
      }
    }
    if (pool.open >= this.options.connectionsPerInstance) {
      // A fresh one was asked for (a reused socket failed): make room by closing an idle one.
      if (fresh && pool.idle.length > 0) pool.idle.shift()!.destroy();
      else
        return new Promise((resolve, reject) =>
          pool.waiters.push((got) => (got instanceof Error ? reject(got) : resolve(got))),
        );
    }
    return this.connect(instance, pool);
  }

  private connect(instance: Instance, pool: InstancePool): Promise<PooledSocket> {
    pool.open += 1;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: instance.address, port: instance.port, noDelay: true });
      this.all.add(socket);
      const timer = setTimeout(() => {
        socket.destroy(
          connectError(`connect timeout after ${this.options.connectTimeoutMs} ms`, "ETIMEDOUT"),
        );
      }, this.options.connectTimeoutMs);
      const failed = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once("error", failed);
      socket.once("close", () => {
        this.all.delete(socket);
        pool.open -= 1;
        this.handOver(instance, pool);
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeListener("error", failed);
        // An error while idle (a reset) must not crash the process; its close follows, and
        // an exchange on the socket has listeners of its own.
        socket.on("error", ignoreError);
        resolve({ socket, reused: false });
      });
    });
  }

  /** A closed socket made room: the first waiter gets a new connection. */
  private handOver(instance: Instance, pool: InstancePool): void {
    const waiter = pool.waiters.shift();
    if (!waiter) return;
    this.connect(instance, pool).then(waiter, waiter);
  }

  /**
   * The exchange on `socket` is over. A socket that can carry another request goes to the
   * first waiter or back to the idle list; any other is destroyed.
   */
  release(instance: Instance, socket: net.Socket, reusable: boolean): void {
    const pool = this.poolOf(instance);
    if (!reusable || this.closed || socket.destroyed) {
      socket.destroy();
      return;
    }
    const waiter = pool.waiters.shift();
    if (waiter) {
      waiter({ socket, reused: true });
      return;
    }
    pool.idle.push(socket);
    socket.on("close", onIdleClose).on("data", onIdleData);
    idleTimers.set(
      socket,
      setTimeout(() => socket.destroy(), this.options.keepAliveTimeoutMs).unref(),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.all) socket.destroy();
    this.all.clear();
  }
}

/** An idle socket that closes leaves the list by being destroyed (the close handler counts). */
function onIdleClose(this: net.Socket): void {
  clearTimeout(idleTimers.get(this));
}

/** Bytes on an idle socket answer no request: the connection is out of step, drop it. */
function onIdleData(this: net.Socket): void {
  this.destroy();
}

function ignoreError(): void {}
