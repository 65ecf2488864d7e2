import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { keysCreateKey } from "@unkey/api/funcs/keysCreateKey.js";
import { keysDeleteKey } from "@unkey/api/funcs/keysDeleteKey.js";
import { keysRerollKey } from "@unkey/api/funcs/keysRerollKey.js";
import { keysUpdateKey } from "@unkey/api/funcs/keysUpdateKey.js";
import type { KeyResponseData } from "@unkey/api/models/components";
import { sdk, unwrap } from "../api/sdk";

interface KeysPage {
  data: KeyResponseData[];
}

export const keysQueryKey = (apiId: string) => ["keys", apiId] as const;

/**
 * The keys table's writes. Enabling/disabling and deleting show at once (optimistic, rolled back
 * if the API refuses); creating and rerolling hand the one-time plaintext to `onSecret`.
 */
export function useKeyActions(
  apiId: string,
  onSecret: (secret: { label: string; value: string }) => void,
) {
  const queryClient = useQueryClient();
  const queryKey = keysQueryKey(apiId);
  const refresh = () => queryClient.invalidateQueries({ queryKey });

  /** Applies `edit` to the cached pages; returns the pages before, for rollback. */
  async function optimistic(edit: (rows: KeyResponseData[]) => KeyResponseData[]) {
    await queryClient.cancelQueries({ queryKey });
    const before = queryClient.getQueryData<InfiniteData<KeysPage>>(queryKey);
    if (before) {
      queryClient.setQueryData<InfiniteData<KeysPage>>(queryKey, {
        ...before,
        pages: before.pages.map((page) => ({ ...page, data: edit(page.data) })),
      });
    }
    return { before };
  }
  const rollback = (_error: unknown, _input: unknown, context?: { before?: unknown }) => {
    if (context?.before) queryClient.setQueryData(queryKey, context.before);
  };

  const create = useMutation({
    mutationFn: (name: string) =>
      unwrap(keysCreateKey(sdk, { apiId, ...(name.trim() ? { name: name.trim() } : {}) })),
    onSuccess: (created) =>
      onSecret({ label: `Key ${created.data.keyId} created.`, value: created.data.key }),
    onSettled: refresh,
  });
  const reroll = useMutation({
    // expiration 0: the old key stops working at once.
    mutationFn: (keyId: string) => unwrap(keysRerollKey(sdk, { keyId, expiration: 0 })),
    onSuccess: (rerolled) =>
      onSecret({
        label: `Rerolled: the new key is ${rerolled.data.keyId}.`,
        value: rerolled.data.key,
      }),
    onSettled: refresh,
  });
  const setEnabled = useMutation({
    mutationFn: (input: { keyId: string; enabled: boolean }) => unwrap(keysUpdateKey(sdk, input)),
    onMutate: (input) =>
      optimistic((rows) =>
        rows.map((row) => (row.keyId === input.keyId ? { ...row, enabled: input.enabled } : row)),
      ),
    onError: rollback,
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (keyId: string) => unwrap(keysDeleteKey(sdk, { keyId })),
    onMutate: (keyId) => optimistic((rows) => rows.filter((row) => row.keyId !== keyId)),
    onError: rollback,
    onSettled: refresh,
  });
  return { create, reroll, setEnabled, remove, refresh };
}
