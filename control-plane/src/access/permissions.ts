import { AppError } from "@slipway/shared";

/**
 * Permissions have Unkey's shape, `<resource>.<id or *>.<action>`, e.g.
 * `environment.*.read_domain` or `project.proj_123.delete_project`. A granted `*` anywhere
 * matches any value there; a lone `*` grants everything.
 */
export type PermissionResource =
  | "project"
  | "app"
  | "environment"
  | "workspace"
  | "api"
  | "identity"
  | "rbac"
  | "ratelimit";

export interface PermissionRequirement {
  resource: PermissionResource;
  action: string;
  /**
   * `object`: granted on all objects (`*`) or on the one addressed, checked once it is found.
   * `all`: only a `*` grant will do (lists and creates that name no object of that resource).
   */
  scope: "object" | "all";
}

export function permits(granted: string[], required: string): boolean {
  const needed = required.split(".");
  return granted.some((permission) => {
    if (permission === "*") return true;
    const parts = permission.split(".");
    return (
      parts.length === needed.length && parts.every((part, i) => part === "*" || part === needed[i])
    );
  });
}

/** Could any grant allow this action on some object of the resource? Decides before a lookup. */
function mayPermitSome(granted: string[], requirement: PermissionRequirement): boolean {
  return granted.some((permission) => {
    if (permission === "*") return true;
    const [resource, , action, ...rest] = permission.split(".");
    return (
      rest.length === 0 &&
      (resource === "*" || resource === requirement.resource) &&
      (action === "*" || action === requirement.action)
    );
  });
}

const describe = (requirement: PermissionRequirement) =>
  requirement.scope === "all"
    ? `'${requirement.resource}.*.${requirement.action}'`
    : `'${requirement.resource}.*.${requirement.action}' or '${requirement.resource}.<${requirement.resource}_id>.${requirement.action}'`;

/** The ids that own an object; the check picks the one of the route's resource. */
export interface ResourceOwner {
  projectId?: string;
  appId?: string;
  environmentId?: string;
  /** A keyspace, what Unkey's SDK calls an API (`api.<api_id>.create_key`). */
  apiId?: string;
  /** A ratelimit namespace (`ratelimit.<namespace_id>.limit`). */
  ratelimitId?: string;
}

export interface AccessCheck {
  (owner: ResourceOwner): void;
  /** True once an object of the required resource has been checked (or none is needed). */
  readonly satisfied: boolean;
  /**
   * Checks a second action on the same object (listKeys also needs `read_api`, decrypting
   * needs `decrypt_key`); throws `forbidden` like the route's own check.
   */
  requireAlso(action: string, owner: ResourceOwner): void;
  /** Whether the grant allows another action on the object, without throwing. */
  allows(action: string, owner: ResourceOwner): boolean;
  /**
   * The ids of the route's resource the grant covers: `"all"` for a `*` grant. For calls that
   * must not reveal whether an object exists elsewhere (verifyKey): the caller restricts its
   * lookup to these ids, which counts as the access check.
   */
  grantedIds(): "all" | string[];
  /**
   * Requires a permission of another resource too, named in full (`rbac.*.create_permission`
   * when keys.addPermissions must create a permission); throws `forbidden` without it.
   */
  requirePermission(permission: string): void;
}

/**
 * Checks the grant up front as far as it can, then returns the check that services run on
 * each object they resolve, so `project.<id>.…` grants work the way Unkey's do.
 */
export function accessCheckFor(granted: string[], requirement: PermissionRequirement): AccessCheck {
  const upfront =
    requirement.scope === "all"
      ? permits(granted, `${requirement.resource}.*.${requirement.action}`)
      : mayPermitSome(granted, requirement);
  if (!upfront)
    throw new AppError("forbidden", `This root key needs the permission ${describe(requirement)}.`);
  let satisfied = requirement.scope === "all" || requirement.resource === "workspace";
  const idOf = (owner: ResourceOwner) => owner[`${requirement.resource}Id` as keyof ResourceOwner];
  const check = ((owner: ResourceOwner) => {
    if (requirement.resource === "workspace") return;
    const id = idOf(owner);
    if (id === undefined) return;
    if (!permits(granted, `${requirement.resource}.${id}.${requirement.action}`)) {
      throw new AppError(
        "forbidden",
        `This root key needs the permission ${describe(requirement)} for ${id}.`,
      );
    }
    satisfied = true;
  }) as AccessCheck;
  Object.defineProperty(check, "satisfied", { get: () => satisfied });
  check.allows = (action, owner) =>
    permits(granted, `${requirement.resource}.${idOf(owner) ?? "*"}.${action}`);
  check.requireAlso = (action, owner) => {
    if (!check.allows(action, owner)) {
      const other = { ...requirement, action };
      throw new AppError(
        "forbidden",
        `This root key needs the permission ${describe(other)}${idOf(owner) ? ` for ${idOf(owner)}` : ""}.`,
      );
    }
  };
  check.requirePermission = (permission) => {
    if (!permits(granted, permission)) {
      throw new AppError("forbidden", `This root key needs the permission '${permission}'.`);
    }
  };
  check.grantedIds = () => {
    satisfied = true;
    if (permits(granted, `${requirement.resource}.*.${requirement.action}`)) return "all";
    return granted.flatMap((permission) => {
      const [resource, id, action, ...rest] = permission.split(".");
      const matches =
        rest.length === 0 &&
        id !== undefined &&
        id !== "*" &&
        (resource === "*" || resource === requirement.resource) &&
        (action === "*" || action === requirement.action);
      return matches ? [id] : [];
    });
  };
  return check;
}
