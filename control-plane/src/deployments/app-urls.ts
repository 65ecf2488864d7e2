/** How people reach apps through Sentinel (SLIPWAY_APP_URL_SCHEME, SLIPWAY_APP_URL_PORT). */
export interface AppUrlOrigin {
  scheme: "http" | "https";
  /** Absent, or the scheme's own port: no port in the URL. */
  port?: number | undefined;
}

const defaultPorts = { http: 80, https: 443 } as const;

/**
 * Pure: the URLs of a deployment's hostnames. Sentinel on `npm start` listens on 8080, so a URL
 * without the port would reach nothing; on 80/443 the port is left out as browsers show it.
 */
export function appUrls(hostnames: readonly string[], origin: AppUrlOrigin): string[] {
  const port =
    origin.port === undefined || origin.port === defaultPorts[origin.scheme]
      ? ""
      : `:${origin.port}`;
  return hostnames.map((hostname) => `${origin.scheme}://${hostname}${port}`);
}
