import { eq } from "drizzle-orm";
import type { Database } from "../../../control-plane/src/db/client.js";
import { apps, domains, githubInstallations } from "../../../control-plane/src/db/schema/index.js";
import type { DnsLookup } from "../../../control-plane/src/services/dns-resolver.js";
import {
  verificationRecordPrefix,
  verificationValuePrefix,
} from "../../../control-plane/src/services/domain-name.js";
import {
  type FakeGitHub,
  startFakeGitHub,
} from "../../../control-plane/test/harness/fake-github.js";

/** Where names under this zone already have the records Slipway asked for, as if created. */
export const readyZone = "ready.example.com";
export const domainTarget = "edge.slipway.test";

const installationId = 7301;
export const connectedRepository = "acme/storefront";

/**
 * The systems outside Slipway that the dashboard's flows reach: the fake GitHub (the control
 * plane's own test double, in GitHub's REST shapes) holding the storefront repository, and its
 * configuration for the API.
 */
export async function startOutsideWorld(): Promise<{
  github: FakeGitHub;
  env: Record<string, string>;
}> {
  const github = await startFakeGitHub();
  const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));
  const commit = (sha: string, branch: string, message: string, author: string, on: number) =>
    github.repositories.setCommit(
      connectedRepository,
      sha.padEnd(40, "0"),
      {},
      {
        branch,
        message,
        author,
        date: day(on),
      },
    );
  commit("aa11", "main", "Add the cart page", "octocat", 1);
  commit("bb22", "main", "Fix the checkout total\n\nRounding.", "hubot", 2);
  commit("cc33", "feature/search", "Search the catalogue", "monalisa", 3);
  github.addInstallation(installationId, "acme");
  return {
    github,
    env: {
      GITHUB_APP_ID: github.appId,
      GITHUB_PRIVATE_KEY: github.privateKey,
      GITHUB_API_URL: github.url,
      SLIPWAY_DOMAIN_TARGET: domainTarget,
    },
  };
}

/** Connects the seeded storefront app to the fake repository, through the workspace's installation. */
export async function connectRepository(db: Database, workspaceId: string, appId: string) {
  await db.insert(githubInstallations).values({
    installationId: String(installationId),
    workspaceId,
    accountLogin: "acme",
    createdAt: new Date(),
  });
  await db
    .update(apps)
    .set({ gitRepository: connectedRepository, gitDefaultBranch: "main" })
    .where(eq(apps.id, appId));
}

/**
 * DNS for the stack: names under `readyZone` answer with the records Slipway asked for (read
 * from the domain's row, as a person would have copied them); every other name does not exist.
 */
export function stackDns(db: Database): DnsLookup {
  const absent = () => Object.assign(new Error("queryTxt ENOTFOUND"), { code: "ENOTFOUND" });
  const tokenOf = async (name: string) => {
    const [row] = await db
      .select({ token: domains.verificationToken })
      .from(domains)
      .where(eq(domains.domain, name))
      .limit(1);
    return row?.token;
  };
  return {
    async resolveTxt(name) {
      const domain = name.slice(verificationRecordPrefix.length + 1);
      const token = domain.endsWith(`.${readyZone}`) ? await tokenOf(domain) : undefined;
      if (!name.startsWith(`${verificationRecordPrefix}.`) || !token) throw absent();
      return [[`${verificationValuePrefix}${token}`]];
    },
    async resolveCname(name) {
      if (!name.endsWith(`.${readyZone}`)) throw absent();
      return [domainTarget];
    },
  };
}
