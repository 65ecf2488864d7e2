import type { KeyStore } from "./key-store.js";
import type { CreditLedger } from "./redis/credit-ledger.js";

/**
 * Copies changed balances from Redis to PostgreSQL. Safe to run on every process at once and
 * to crash anywhere: the write only moves a row to a newer version, and a key leaves the dirty
 * set only after its version (or a newer one) is in PostgreSQL.
 */
export async function writeBackCredits(
  ledger: CreditLedger,
  store: KeyStore,
  batchSize = 500,
): Promise<number> {
  let written = 0;
  // Bounded: under constant spending the same keys come back dirty; the next run takes them.
  for (let round = 0; round < 20; round++) {
    const balances = await ledger.readDirty(batchSize);
    if (balances.length === 0) return written;
    await store.writeBalances(balances);
    await ledger.clearDirty(balances);
    written += balances.length;
    if (balances.length < batchSize) return written;
  }
  return written;
}

export type CreditWriteBack = ReturnType<typeof startCreditWriteBack>;

/** Runs the write-back every `intervalMs`; `stop()` runs it once more and waits for it. */
export function startCreditWriteBack(
  ledger: CreditLedger,
  store: KeyStore,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => writeBackCredits(ledger, store))
      .catch((error) => options.onError?.(error));
  };
  const timer = setInterval(tick, options.intervalMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await running;
    },
  };
}
