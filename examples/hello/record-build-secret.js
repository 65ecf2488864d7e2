// Runs during the image build with the build secret mounted (RUN --mount=type=secret): prints
// whether it was there and its SHA-256, so a test can prove the build saw it while the value
// itself is in no layer.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? "/run/secrets/HELLO_BUILD_SECRET";
let secret;
try {
  secret = readFileSync(path);
} catch {
  secret = undefined;
}
console.log(
  JSON.stringify({
    buildSecretPresent: secret !== undefined,
    buildSecretSha256: secret ? createHash("sha256").update(secret).digest("hex") : null,
    builtAt: new Date().toISOString(),
  }),
);
