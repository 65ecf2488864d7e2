import { useEffect, useState } from "react";

export type PolicyValidator = typeof import("./policy-problems");

let loading: Promise<PolicyValidator> | undefined;

/** The shared validator, fetched once on first use; undefined until it has arrived. */
export function usePolicyValidator(): PolicyValidator | undefined {
  const [validator, setValidator] = useState<PolicyValidator>();
  useEffect(() => {
    let mounted = true;
    loading ??= import("./policy-problems");
    loading.then(
      (loaded) => mounted && setValidator(loaded),
      () => {
        loading = undefined; // a failed chunk load is retried next time the editor opens
      },
    );
    return () => {
      mounted = false;
    };
  }, []);
  return validator;
}
