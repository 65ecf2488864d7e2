// A peer for bench:sentinel: the ceiling of any Node proxy on this machine. Bytes are copied
// between each client connection and an upstream connection of its own, with nothing read:
// no HTTP parsing, no routing, no policies, no logs. What separates it from nginx is the
// runtime and its sockets; what separates Sentinel from it is everything a proxy does.
import net from "node:net";
import { runWorkers } from "./cluster-workers.js";

const port = Number(process.env.FLOOR_PORT);
const upstreamPort = Number(process.env.FLOOR_UPSTREAM_PORT);

runWorkers(Number(process.env.SENTINEL_WORKERS ?? 2), () => {
  net
    .createServer((client) => {
      const upstream = net.connect(upstreamPort, "127.0.0.1");
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    })
    .listen(port, "127.0.0.1");
});
