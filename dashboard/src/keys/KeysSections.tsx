import { Link } from "@tanstack/react-router";

const sections = [
  { to: "/keys", label: "Keyspaces" },
  { to: "/keys/identities", label: "Identities" },
  { to: "/keys/roles", label: "Roles and permissions" },
  { to: "/keys/overrides", label: "Rate-limit overrides" },
] as const;

/** The keys area's own navigation; the main navigation keeps one "Keys" entry. */
export function KeysSections() {
  return (
    <nav className="sub-nav" aria-label="Keys sections">
      <ul>
        {sections.map((section) => (
          <li key={section.to}>
            <Link
              to={section.to}
              activeOptions={{ exact: true, includeSearch: false }}
              activeProps={{ "aria-current": "page", className: "active" }}
            >
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
