import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { environmentsGetEnvironment } from "@unkey/api/funcs/environmentsGetEnvironment.js";
import { sdk, unwrap } from "../api/sdk";
import { slipway } from "../api/slipway";
import { DomainsSection } from "../settings/DomainsSection";
import { SettingsForm } from "../settings/SettingsForm";
import { EnvironmentBreadcrumbs } from "../ui/EnvironmentBreadcrumbs";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/** One environment's build and runtime settings, and its domains. */
export function SettingsPage() {
  const { project, app, environment } = useParams({
    from: "/app/projects/$project/apps/$app/settings/$environment",
  });
  const scope = { project, app, environment };
  const queryClient = useQueryClient();
  const queryKey = ["environment", project, app, environment];
  // Both at once (no waterfall): the settings, and the current deployment for its domains.
  const settings = useQuery({
    queryKey,
    queryFn: () => unwrap(environmentsGetEnvironment(sdk, scope)),
  });
  const current = useQuery({
    queryKey: ["deployments", project, app, environment, "current"],
    queryFn: () => slipway.listDeployments({ ...scope, limit: 20 }),
    select: (page) => page.data.find((deployment) => deployment.isCurrent),
  });

  return (
    <div className="page">
      <EnvironmentBreadcrumbs project={project} app={app} environment={environment} />
      <h1>Settings · {environment}</h1>
      <p>
        <Link to="/projects/$project/apps/$app/env/$environment" params={scope}>
          Environment variables
        </Link>
      </p>
      <ErrorNote error={settings.error} />
      {settings.isPending ? (
        <Skeleton lines={8} label="Loading settings" />
      ) : settings.data ? (
        <SettingsForm
          // A different environment starts a fresh form.
          key={settings.data.data.id}
          scope={scope}
          environment={settings.data.data}
          onSaved={() => queryClient.invalidateQueries({ queryKey })}
        />
      ) : null}
      <DomainsSection scope={scope} generatedDomains={current.data?.domains ?? []} />
    </div>
  );
}
