import { bootstrapGivenRootKey } from "../services/bootstrap-given-root-key.js";
import { connectDatabase } from "./client.js";
import { runMigrations } from "./migrate.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the database to migrate.");
  process.exit(1);
}
const handle = connectDatabase(url, { maxConnections: 1 });
try {
  await runMigrations(handle.db);
  console.log("migrations applied");
  // An installed Slipway's first root key (the Helm chart passes it from its Secret).
  const rootKey = process.env.SLIPWAY_BOOTSTRAP_ROOT_KEY;
  if (rootKey) {
    const outcome = await bootstrapGivenRootKey(handle.db, rootKey.trim());
    console.log(`SLIPWAY_BOOTSTRAP_ROOT_KEY: ${outcome}`);
  }
} finally {
  await handle.close();
}
