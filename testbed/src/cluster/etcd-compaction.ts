/**
 * Compacts etcd's history the way the apiserver does every 5 minutes, but now. Lets tests
 * see the real "410 Gone / too old resource version" answer to a stale watch in seconds.
 * Uses etcd's JSON gateway on its client URL (on by default).
 */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const status = await postJson<{ header: { revision: string } }>(
    `${etcdUrl}/v3/maintenance/status`,
    {},
  );
  const revision = Number(status.header.revision);
  await postJson(`${etcdUrl}/v3/kv/compaction`, { revision: String(revision), physical: true });
  return revision;
}

async function postJson<T = unknown>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} -> HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
