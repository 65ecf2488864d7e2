/** `npm run build:buildkit`: builds (once) and prints where buildkitd and buildctl are. */
import { ensureBuildkit } from "../buildkit/ensure-buildkit.js";
import { readBuilderSettings } from "../config.js";

const binaries = await ensureBuildkit(readBuilderSettings(process.env), (line) =>
  console.log(line),
);
console.log(
  `buildkitd: ${binaries.buildkitd}\nbuildctl:  ${binaries.buildctl}\n(BuildKit ${binaries.manifest.buildkit}, built in ${binaries.manifest.buildSeconds} s)`,
);
