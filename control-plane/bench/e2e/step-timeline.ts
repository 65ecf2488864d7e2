/**
 * Pure: the moments one deploy passed through, as wall-clock milliseconds, and the table of
 * steps between them that `npm run bench:e2e` prints. A moment not observed is left out; the
 * step it bounds prints as "?".
 */
export interface DeployMoments {
  /** The push's webhook sent, or `slipway deploy` started. */
  started: number;
  /** The deployment row exists (the webhook answered, or the CLI's upload created it). */
  queued?: number | undefined;
  /** The build step began (a build slot and the source were there). */
  buildStarted?: number | undefined;
  /** BuildKit began exporting the image (the build's last vertex: layers, then the push). */
  exportStarted?: number | undefined;
  /** The image is in the registry: the build step's end. */
  pushed?: number | undefined;
  /** The Deployment CR first read back from the apiserver. */
  crApplied?: number | undefined;
  /** A pod of the deployment first seen with its Ready condition true. */
  podReady?: number | undefined;
  /** The first 200 through Sentinel answered by this deployment. */
  first200?: number | undefined;
}

export interface StepRow {
  step: string;
  ms: number | undefined;
}

const between = (from: number | undefined, to: number | undefined) =>
  from === undefined || to === undefined ? undefined : to - from;

/** The steps of one deploy, in order, then the total from start to the first 200. */
export function stepRows(moments: DeployMoments, startLabel: string): StepRow[] {
  const m = moments;
  return [
    { step: `${startLabel} → queued`, ms: between(m.started, m.queued) },
    { step: "queued → build starts", ms: between(m.queued, m.buildStarted) },
    { step: "build (until export)", ms: between(m.buildStarted, m.exportStarted) },
    { step: "push (export + push)", ms: between(m.exportStarted, m.pushed) },
    { step: "pushed → CR applied", ms: between(m.pushed, m.crApplied) },
    { step: "CR applied → pod Ready", ms: between(m.crApplied, m.podReady) },
    { step: "pod Ready → first 200", ms: between(m.podReady, m.first200) },
    { step: "total: first 200", ms: between(m.started, m.first200) },
  ];
}

const seconds = (ms: number | undefined) => (ms === undefined ? "?" : (ms / 1000).toFixed(2));

/** A fixed-width table, one column per run, one row per step (all runs list the same steps). */
export function formatStepTable(runs: { title: string; rows: StepRow[] }[]): string {
  const steps = runs[0]?.rows.map((row) => row.step) ?? [];
  const width = Math.max(...steps.map((step) => step.length), 4);
  const columns = runs.map((run) => Math.max(run.title.length, 8));
  const header = ["step".padEnd(width), ...runs.map((run, i) => run.title.padStart(columns[i]!))];
  const lines = [header.join("  ")];
  for (const [index, step] of steps.entries()) {
    const cells = runs.map((run, i) => `${seconds(run.rows[index]?.ms)} s`.padStart(columns[i]!));
    lines.push([step.padEnd(width), ...cells].join("  "));
  }
  return lines.join("\n");
}
