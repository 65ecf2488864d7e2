/**
 * kwok itself ships no behaviour: without Stage objects its nodes never turn Ready and its
 * pods never run. kwokctl embeds the "fast" stages; we take the same files from the pinned
 * kwok module source so the behaviour always matches the binary we built.
 */
export const KWOK_STAGE_FILES = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
] as const;

export function makeKwokStagesYaml(
  kwokVersion: string,
  files: { rel: string; text: string }[],
): string {
  const docs = files.map(
    ({ rel, text }) => `# from sigs.k8s.io/kwok@${kwokVersion}/${rel}\n${text.trim()}\n`,
  );
  return `${docs.join("---\n")}`;
}
