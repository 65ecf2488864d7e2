// Answers every request with the UNKEY_* variables Slipway gives the instance, as JSON, and
// with what the build recorded of its build secret (a hash, never the value).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
const build = JSON.parse(readFileSync(new URL("./build-info.json", import.meta.url), "utf8"));

const server = createServer((request, response) => {
  const unkey = Object.fromEntries(
    Object.entries(process.env)
      .filter(([key]) => key.startsWith("UNKEY_"))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const body = JSON.stringify({ path: request.url, unkey, build });
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
});

server.listen(port, () => console.log(`hello listening on :${port}`));
// Slipway stops an instance with SIGTERM: finish the requests in flight, then exit.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
