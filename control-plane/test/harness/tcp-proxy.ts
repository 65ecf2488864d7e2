import net from "node:net";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";

/**
 * A TCP forwarder in front of a real server, so a test can take that server away from one
 * client (refuse new connections, cut open ones) without stopping it for everyone else.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let hanging = false;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    // A hung server: the connection is accepted and nothing ever answers.
    if (hanging) return;
    const upstream = net.connect(target.port, target.host);
    for (const socket of [upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
    );
  const port = await listen(0);
  const down = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  onHarnessTeardown(down);
  return {
    port,
    /** Connections are refused and the open ones cut until `up`. */
    down,
    /** Open connections are cut; new ones are accepted and never answered, until `up`. */
    hang: () => {
      hanging = true;
      for (const socket of sockets) socket.destroy();
    },
    up: async () => {
      hanging = false;
      if (!server.listening) await listen(port);
    },
  };
}
