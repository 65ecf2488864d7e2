// A peer for bench:sentinel: the least a Node reverse proxy can do with the same parts Sentinel
// uses (node:http server, undici keep-alive pool, node:cluster with the same worker count) and
// nothing else: no policies, no header rules, no logs, no metrics. The gap between it and
// Sentinel is Sentinel's own work; the gap between it and nginx is the runtime's.
import http from "node:http";
import { Agent } from "undici";
import { runWorkers } from "./cluster-workers.js";

const port = Number(process.env.FLOOR_PORT);
const upstream = `http://127.0.0.1:${process.env.FLOOR_UPSTREAM_PORT}`;

runWorkers(Number(process.env.SENTINEL_WORKERS ?? 2), () => {
  const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 4_000 });
  http
    .createServer(async (req, res) => {
      try {
        const response = await agent.request({
          origin: upstream,
          method: req.method as "GET",
          path: req.url ?? "/",
          headers: { host: req.headers.host ?? "" },
        });
        res.writeHead(response.statusCode, response.headers as http.OutgoingHttpHeaders);
        response.body.pipe(res);
      } catch {
        res.writeHead(502).end();
      }
    })
    .listen(port, "127.0.0.1");
});
