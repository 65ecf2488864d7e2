// The peers of bench:sentinel: the shared upstream and the three reverse proxies, each from its
// Debian package, each with a generated config on free ports, started and stopped by the bench.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalGroup, startProcessGroup } from "@slipway/shared/processes";

export interface Running {
  name: string;
  port: number;
  pid: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

const binaries = {
  nginx: "/usr/sbin/nginx",
  caddy: "/usr/bin/caddy",
  haproxy: "/usr/sbin/haproxy",
  wrk: "/usr/bin/wrk",
} as const;

/** Fails loudly, naming the package, when a peer's binary is missing. */
export function checkBinaries(): void {
  const missing = Object.entries(binaries).filter(
    ([, path]) => spawnSync(path, ["-v"], { stdio: "ignore" }).error !== undefined,
  );
  if (missing.length > 0) {
    throw new Error(
      `bench:sentinel needs ${missing.map(([name]) => name).join(", ")}: ` +
        "apt-get install -y wrk nginx-light caddy haproxy (policy-rc.d keeps them from starting as services)",
    );
  }
}

const nginxCommon = (dir: string, workers: number) => `
daemon off;
master_process on;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
`;

const nginxTemps = (dir: string) => `
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
`;

/** The upstream every peer forwards to: nginx answering a fixed 13-byte body from memory. */
export function upstreamConfig(dir: string, port: number): string {
  return `${nginxCommon(dir, 1)}
http {
  access_log off;
${nginxTemps(dir)}
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:${port} reuseport backlog=4096;
    location / { default_type text/plain; return 200 "hello, world\\n"; }
  }
}
`;
}

export function nginxProxyConfig(dir: string, port: number, upstreamPort: number): string {
  return `${nginxCommon(dir, 2)}
http {
  access_log off;
${nginxTemps(dir)}
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
}

export function caddyConfig(port: number, upstreamPort: number): string {
  return `{
  admin off
  auto_https off
}
http://:${port} {
  bind 127.0.0.1
  reverse_proxy 127.0.0.1:${upstreamPort}
}
`;
}

export function haproxyConfig(port: number, upstreamPort: number): string {
  return `global
  nbthread 2
  maxconn 4000
defaults
  mode http
  timeout connect 3s
  timeout client 30s
  timeout server 30s
  option forwardfor
  http-reuse always
frontend bench
  bind 127.0.0.1:${port}
  default_backend app
backend app
  server app 127.0.0.1:${upstreamPort}
`;
}

/** Starts one peer in its own process group; `stop` signals the whole group. */
export function startPeer(
  name: string,
  dir: string,
  port: number,
  command: { binary: string; args: string[]; env?: NodeJS.ProcessEnv },
): Running {
  return startProcessGroup(
    command.binary,
    command.args,
    join(dir, `${name}.log`),
    { ...process.env, ...command.env },
    { name, port },
  );
}

export function startNginx(name: string, dir: string, port: number, config: string): Running {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, config);
  return startPeer(name, dir, port, { binary: binaries.nginx, args: ["-c", file, "-p", dir] });
}

export function startCaddy(dir: string, port: number, upstreamPort: number): Running {
  const file = join(dir, "Caddyfile");
  writeFileSync(file, caddyConfig(port, upstreamPort));
  return startPeer("caddy", dir, port, {
    binary: binaries.caddy,
    args: ["run", "--config", file, "--adapter", "caddyfile"],
    // Caddy writes its autosave and certificates under $HOME/XDG dirs; keep them in the scratch dir.
    env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
}

export function startHaproxy(dir: string, port: number, upstreamPort: number): Running {
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, haproxyConfig(port, upstreamPort));
  return startPeer("haproxy", dir, port, { binary: binaries.haproxy, args: ["-db", "-f", file] });
}

export function stopPeer(peer: Running): void {
  signalGroup(peer.pid, "SIGTERM");
}

export const wrkBinary = binaries.wrk;
