import { readSettings } from "../config.js";
import { ensureBinaries, readCompleteBuild } from "../go-binaries/build-binaries.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const settings = readSettings(process.env);
  const cached = await readCompleteBuild(settings.binDir);
  if (cached) {
    log(
      `Binaries already built in ${settings.binDir} (cold build took ${cached.buildSeconds} s, ${cached.builtAt}).`,
    );
    return;
  }
  await ensureBinaries(settings, log);
});
