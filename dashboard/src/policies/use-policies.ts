import type { PolicyInput, StoredPolicy } from "@slipway/shared/policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { gatewayListPolicies } from "@unkey/api/funcs/gatewayListPolicies.js";
import { gatewaySetPolicies } from "@unkey/api/funcs/gatewaySetPolicies.js";
import { gatewayUpdatePolicy } from "@unkey/api/funcs/gatewayUpdatePolicy.js";
import type { Policy } from "@unkey/api/models/components";
import { ApiError } from "../api/api-error";
import { sdk, unwrap } from "../api/sdk";

export interface EnvironmentRef {
  project: string;
  app: string;
  environment: string;
}

const withoutId = ({ id: _id, ...policy }: StoredPolicy) => policy as Policy;

/**
 * An environment's policies and the two ways to change them: `replace` sends the whole list
 * (`gateway.setPolicies`, atomic: reorder, create, delete), `updateOne` one policy in place
 * (`gateway.updatePolicy`: toggle, edit, addressed by position since setPolicies regenerates ids).
 * Changes run one at a time in the order they were made (one mutation scope per environment);
 * each shows at once and is undone if the server refuses.
 */
export function usePolicies(scope: EnvironmentRef, onSaved: () => void) {
  const { project, app, environment } = scope;
  const queryKey = ["policies", project, app, environment];
  const queryClient = useQueryClient();
  const mutationScope = { id: `policies:${project}/${app}/${environment}` };

  const policies = useQuery({
    queryKey,
    queryFn: async () =>
      (await unwrap(gatewayListPolicies(sdk, scope))).data as unknown as StoredPolicy[],
  });
  const list = policies.data ?? [];

  // Shown at once, before the change reaches the server: a queued change (the scope runs them
  // one at a time) would otherwise leave a controlled checkbox or the order unchanged meanwhile.
  const changeLocally = (next: StoredPolicy[]) => {
    const before = queryClient.getQueryData<StoredPolicy[]>(queryKey);
    void queryClient.cancelQueries({ queryKey }, { revert: false });
    queryClient.setQueryData(queryKey, next);
    return before;
  };
  const settle = {
    onError: (_error: unknown, change: { before: StoredPolicy[] | undefined }) =>
      queryClient.setQueryData(queryKey, change.before),
    // The last queued change refetches: earlier refetches would undo the later local changes.
    onSettled: () =>
      queryClient.isMutating({ mutationKey: queryKey }) <= 1
        ? queryClient.invalidateQueries({ queryKey })
        : undefined,
  };

  const replaceAll = useMutation({
    mutationKey: queryKey,
    scope: mutationScope,
    mutationFn: ({ next }: { next: StoredPolicy[]; before: StoredPolicy[] | undefined }) =>
      unwrap(gatewaySetPolicies(sdk, { ...scope, policies: next.map(withoutId) })),
    ...settle,
    onSuccess: onSaved,
  });
  const replace = (next: StoredPolicy[]) =>
    replaceAll.mutate({ next, before: changeLocally(next) });

  const update = useMutation({
    mutationKey: queryKey,
    scope: mutationScope,
    mutationFn: async (input: {
      index: number;
      name: string;
      change: Partial<PolicyInput>;
      before: StoredPolicy[] | undefined;
    }) => {
      const policyId = await currentPolicyId(scope, input.index, input.name);
      return unwrap(
        gatewayUpdatePolicy(sdk, {
          ...scope,
          policyId,
          ...(input.change as object),
        } as Parameters<typeof gatewayUpdatePolicy>[1]),
      );
    },
    ...settle,
    onSuccess: onSaved,
  });
  const updateOne = (
    policy: StoredPolicy,
    change: Partial<PolicyInput>,
    shown: StoredPolicy = { ...policy, ...change } as StoredPolicy,
  ) => {
    const index = list.indexOf(policy);
    if (index < 0) return;
    const next = list.map((other) => (other === policy ? shown : other));
    update.mutate({ index, name: policy.name, change, before: changeLocally(next) });
  };

  return {
    policies,
    list,
    replace,
    updateOne,
    saving: replaceAll.isPending || update.isPending,
    saveError: replaceAll.error ?? update.error,
  };
}

/**
 * The id the server has now for the policy at `index`: setPolicies (a reorder, create or delete
 * queued just before) regenerates every id, so the one this page showed may be gone. Position
 * and name identify it; if another client changed the list meanwhile, nothing is written.
 */
async function currentPolicyId(scope: EnvironmentRef, index: number, name: string) {
  const { data } = await unwrap(gatewayListPolicies(sdk, scope));
  const current = data[index];
  if (!current || current.name !== name) {
    throw new ApiError(409, "The policies were changed elsewhere: reload the page and try again.");
  }
  return current.id;
}
