/**
 * The child's side of `startStackProcess`: runs `main` (which prints the `STACK {json}` line)
 * and, on SIGTERM, SIGINT or the parent closing stdin (the parent died), runs `stopAll` once
 * and exits. A failed start is printed, stops what was started and exits 1.
 */
export function runStackChild(
  name: string,
  main: () => Promise<void>,
  stopAll: () => Promise<void>,
): void {
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopAll();
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  process.stdin.on("end", () => void shutdown(0));
  process.stdin.resume();
  main().catch(async (error) => {
    process.stderr.write(
      `${name} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    await shutdown(1);
  });
}

/** A root-key caller of the API's `POST /v2/<operation>`: the `data` of its envelope. */
export function apiCaller(apiUrl: string, rootKey: string) {
  return async <T>(operation: string, body: unknown): Promise<T> => {
    const response = await fetch(`${apiUrl}/v2/${operation}`, {
      method: "POST",
      headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${operation}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { data: T }).data;
  };
}
