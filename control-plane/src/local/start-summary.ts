/**
 * Pure: what `npm start` prints once everything answers: where each service is, the root
 * key on the first start, and the commands to run next.
 */
export interface StartSummaryInput {
  apiUrl: string;
  rootKey: string | undefined;
  sentinelAddress: string;
  sentinelPort: number;
  previewDomain: string;
  cluster: string;
  kubeconfig: string;
  registryHost: string;
  buildkitAddr: string;
  operatorUrl: string;
  dataDir: string;
}

export function makeStartSummary(input: StartSummaryInput): string[] {
  const keyLines = input.rootKey
    ? [`Root key:   ${input.rootKey}`, "            shown once; only its hash is stored. Keep it."]
    : ["Root key:   printed on the first start; `npm start -- --new-root-key` mints another."];
  return [
    "",
    "Slipway is running.",
    `API:        ${input.apiUrl}   (OpenAPI: ${input.apiUrl}/openapi.json)`,
    ...keyLines,
    `Sentinel:   http://${input.sentinelAddress}   (apps: http://<name>.${input.previewDomain}:${input.sentinelPort}, no DNS setup needed)`,
    `Cluster:    ${input.cluster}`,
    `            export KUBECONFIG=${input.kubeconfig}`,
    `Builds:     buildkitd ${input.buildkitAddr}, images in ${input.registryHost}`,
    `Operator:   ${input.operatorUrl}/metrics`,
    `Data:       ${input.dataDir}   (kept across restarts; logs in ${input.dataDir}/logs)`,
    "",
    "Next, in another terminal:",
    `  npx slipway login --url ${input.apiUrl}${input.rootKey ? "" : "   (with the root key from the first start)"}`,
    "  npx slipway projects create hello && npx slipway apps create hello -p hello",
    // Every deployment gets a hostname under the preview domain, production too.
    "  npx slipway deploy examples/hello -p hello -a hello",
    "",
    "Ctrl-C stops everything.",
    "",
  ];
}
