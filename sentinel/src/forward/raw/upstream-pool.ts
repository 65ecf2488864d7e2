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

/** Who reads a pooled socket's events while it carries an exchange. */
export interface SocketUser {
  onData(chunk: Buffer): void;
  onEnd(): void;
  onClose(): void;
  onError(error: Error): void;
  /** Epoch ms after which the sweep calls `expired`; 0: none. */
  deadline: number;
  expired(): void;
}

/** A socket of the pool, with what its owner needs to know about it. */
export interface PooledSocket {
  socket: PoolSocket;
  /** It served a request before: a failure before any answer may be the app's idle close. */
  reused: boolean;
}

const userOf = Symbol("slipway.socketUser");
const idleSince = Symbol("slipway.idleSince");
export type PoolSocket = net.Socket & { [userOf]?: SocketUser; [idleSince]?: number };

type Waiter = (socket: PooledSocket | Error) => void;

/** One instance's sockets: idle ones (most recently used last), the count, who waits. */
class InstancePool {
  readonly idle: PoolSocket[] = [];
  readonly waiters: Waiter[] = [];
  open = 0;
}

function connectError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Keep-alive sockets to upstream instances, per instance: the socket used last is reused first
 * (the least likely to have been closed by the app's idle timer). Each socket gets its
 * listeners once, when it connects, and passes its events to the exchange using it
 * (`use`); one sweep closes sockets idle past `keepAliveTimeoutMs` and tells exchanges their
 * deadline passed, so a request costs no listener or timer of its own.
 */
export class UpstreamPool {
  private readonly pools = new WeakMap<Instance, InstancePool>();
  private readonly all = new Set<PoolSocket>();
  private sweep: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: UpstreamPoolOptions,
    private readonly sweepIntervalMs: number,
  ) {}

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
      if (socket) return { socket, reused: true };
    }
    if (pool.open >= this.options.connectionsPerInstance) {
      // A fresh one was asked for (a reused socket failed): make room by closing an idle one.
      if (fresh && pool.idle.length > 0) pool.idle.shift()!.destroy();
      else {
        return new Promise((resolve, reject) =>
          pool.waiters.push((got) => (got instanceof Error ? reject(got) : resolve(got))),
        );
      }
    }
    return this.connect(instance, pool);
  }

  /** `user` reads the socket's events until `release`. */
  use(socket: PoolSocket, user: SocketUser): void {
    socket[userOf] = user;
    socket[idleSince] = 0;
  }

  private connect(instance: Instance, pool: InstancePool): Promise<PooledSocket> {
    pool.open += 1;
    this.sweep ??= setInterval(() => this.expire(), this.sweepIntervalMs).unref();
    return new Promise((resolve, reject) => {
      const socket: PoolSocket = net.connect({
        host: instance.address,
        port: instance.port,
        noDelay: true,
      });
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
        socket.on("data", onSocketData).on("end", onSocketEnd).on("close", onSocketClose);
        socket.on("error", onSocketError);
        resolve({ socket, reused: false });
      });
    });
  }

  /** A closed socket made room: the first waiter gets a new connection. */
  private handOver(instance: Instance, pool: InstancePool): void {
    const waiter = pool.waiters.shift();
    if (!waiter) return;
    // A closed pool opens nothing more: who still waits is told so.
    if (this.closed) waiter(connectError("the pool is closed", "ECONNREFUSED"));
    else this.connect(instance, pool).then(waiter, waiter);
  }

  /**
   * The exchange on `socket` is over. A socket that can carry another request goes to the
   * first waiter or back to the idle list; any other is destroyed.
   */
  release(instance: Instance, socket: PoolSocket, reusable: boolean): void {
    socket[userOf] = undefined;
    if (socket.isPaused()) socket.resume();
    if (!reusable || this.closed || socket.destroyed) {
      socket.destroy();
      return;
    }
    const pool = this.poolOf(instance);
    const waiter = pool.waiters.shift();
    if (waiter) {
      waiter({ socket, reused: true });
      return;
    }
    socket[idleSince] = Date.now();
    pool.idle.push(socket);
  }

  private expire(): void {
    const now = Date.now();
    const idleBefore = now - this.options.keepAliveTimeoutMs;
    for (const socket of this.all) {
      const user = socket[userOf];
      if (user) {
        if (user.deadline !== 0 && now > user.deadline) user.expired();
      } else if (socket[idleSince]! > 0 && socket[idleSince]! < idleBefore) socket.destroy();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    for (const socket of this.all) socket.destroy();
    this.all.clear();
  }
}

// Each socket's listeners, attached once: its current exchange is a property, not a closure.
// An idle socket (no user) that receives bytes answers no request: it is out of step, dropped.
function onSocketData(this: PoolSocket, chunk: Buffer): void {
  const user = this[userOf];
  if (user) user.onData(chunk);
  else this.destroy();
}
function onSocketEnd(this: PoolSocket): void {
  this[userOf]?.onEnd();
}
function onSocketClose(this: PoolSocket): void {
  this[userOf]?.onClose();
}
/** An idle socket's error (a reset) must not crash the process; its close follows. */
function onSocketError(this: PoolSocket, error: Error): void {
  this[userOf]?.onError(error);
}
