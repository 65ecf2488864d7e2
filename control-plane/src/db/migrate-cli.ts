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
} finally {
  await handle.close();
}
