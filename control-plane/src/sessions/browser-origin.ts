export interface BrowserRequestHeaders {
  origin: string | undefined;
  secFetchSite: string | undefined;
  /** The request's `Host`, e.g. `slipway.example.com` or `127.0.0.1:7070`. */
  host: string;
  /** The configured public URL, whose origin counts as this Slipway's own. */
  publicUrl: string | undefined;
}

/**
 * Pure: why a request carrying the session cookie comes from a page other than the dashboard's
 * own origin, or undefined when it does not. `Sec-Fetch-Site` must be `same-origin` (or `none`,
 * a person typing the address) where the browser sends it: `same-site` is refused too, because
 * the apps Slipway deploys live on sibling hostnames of the same site. An `Origin` must name
 * this host.
 */
export function crossSiteReason(headers: BrowserRequestHeaders): string | undefined {
  const site = headers.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `the request comes from another site (Sec-Fetch-Site: ${site.slice(0, 32)})`;
  }
  if (headers.origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(headers.origin).host;
  } catch {
    return "the request comes from another site (its Origin is not this Slipway)";
  }
  const ownHosts = [headers.host.toLowerCase()];
  if (headers.publicUrl) ownHosts.push(new URL(headers.publicUrl).host.toLowerCase());
  return ownHosts.includes(originHost.toLowerCase())
    ? undefined
    : "the request comes from another site (its Origin is not this Slipway)";
}
