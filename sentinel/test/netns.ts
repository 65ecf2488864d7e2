import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A network namespace joined to this one by a veth pair on a private /30, so a test can run an
 * upstream at an address the apiserver accepts in an EndpointSlice (it refuses loopback).
 * Needs root.
 */
export interface Netns {
  name: string;
  hostAddress: string;
  nsAddress: string;
  /** Runs `node -e script` inside the namespace. */
  spawnNode(script: string): ChildProcess;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });

export function createNetns(): Netns {
  const id = `${process.pid % 10000}${randomInt(100)}`;
  const name = `slw-sentinel-${id}`;
  const hostIf = `slwh${id}`;
  const nsIf = `slwn${id}`;
  const octet = randomInt(1, 250);
  const third = randomInt(0, 63) * 4;
  const hostAddress = `10.${200 + (octet % 50)}.${octet}.${third + 1}`;
  const nsAddress = `10.${200 + (octet % 50)}.${octet}.${third + 2}`;
  ip("netns", "add", name);
  try {
    ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
    ip("link", "set", nsIf, "netns", name);
    ip("addr", "add", `${hostAddress}/30`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("netns", "exec", name, "ip", "addr", "add", `${nsAddress}/30`, "dev", nsIf);
    ip("netns", "exec", name, "ip", "link", "set", nsIf, "up");
    ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  } catch (error) {
    ip("netns", "del", name);
    throw error;
  }
  const children: ChildProcess[] = [];
  return {
    name,
    hostAddress,
    nsAddress,
    spawnNode(script) {
      const child = spawn("ip", ["netns", "exec", name, process.execPath, "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(child);
      return child;
    },
    remove() {
      for (const child of children) child.kill("SIGKILL");
      try {
        ip("link", "del", hostIf);
      } catch {
        // gone with the namespace already
      }
      ip("netns", "del", name);
    },
  };
}

/** Resolves when the child prints `line` on stdout. */
export async function waitForLine(
  child: ChildProcess,
  line: string,
  timeoutMs = 10_000,
): Promise<void> {
  let output = "";
  await Promise.race([
    new Promise<void>((resolve) =>
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk;
        if (output.includes(line)) resolve();
      }),
    ),
    sleep(timeoutMs).then(() => {
      throw new Error(`no "${line}" from the child in ${timeoutMs} ms: ${output}`);
    }),
  ]);
}
