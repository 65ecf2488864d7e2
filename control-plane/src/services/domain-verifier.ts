import { type RecheckOptions, runDomainRecheckPass } from "./domain-reverification.js";
import { type DomainCheckDependencies, runDomainVerificationPass } from "./domain-verification.js";

/**
 * The background half of domain verification, every `intervalMs` (Unkey checks about each
 * minute) until stopped: domains waiting for their records are checked, and verified ones due
 * a re-check are looked up again. A pass still running when the next is due is not doubled.
 */
export function startDomainVerifier(
  deps: DomainCheckDependencies & { recheck: RecheckOptions; onError: (error: unknown) => void },
  intervalMs = 60_000,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runDomainVerificationPass(deps)
      .then(() => runDomainRecheckPass(deps, deps.recheck))
      .catch(deps.onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
