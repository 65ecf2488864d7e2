let cached = "";
let cachedSecond = -1;

/** The `Date` field's value (IMF-fixdate), formatted once per second as Node's server does. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cached = new Date(second * 1000).toUTCString();
  }
  return cached;
}
