import { Link } from "@tanstack/react-router";

/** Projects / project / app / environment: the trail above every per-environment page. */
export function EnvironmentBreadcrumbs(props: {
  project: string;
  app: string;
  environment: string;
}) {
  const { project, app, environment } = props;
  return (
    <p className="breadcrumbs">
      <Link to="/projects">Projects</Link> /{" "}
      <Link to="/projects/$project" params={{ project }}>
        {project}
      </Link>{" "}
      /{" "}
      <Link to="/projects/$project/apps/$app" params={{ project, app }}>
        {app}
      </Link>{" "}
      / {environment}
    </p>
  );
}
