import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { domainsCreateDomain } from "@unkey/api/funcs/domainsCreateDomain.js";
import { domainsDeleteDomain } from "@unkey/api/funcs/domainsDeleteDomain.js";
import { domainsListDomains } from "@unkey/api/funcs/domainsListDomains.js";
import { domainsVerifyDomain } from "@unkey/api/funcs/domainsVerifyDomain.js";
import type { Domain } from "@unkey/api/models/components";
import { useState } from "react";
import { ApiError } from "../api/api-error";
import { sdk, unwrap } from "../api/sdk";
import { ConfirmButton } from "../ui/ConfirmButton";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

type Scope = { project: string; app: string; environment: string };

const statusLabels: Record<Domain["status"], string> = {
  pending: "Pending",
  verifying: "Verifying",
  verified: "Verified",
  failed: "Failed",
};

/**
 * The environment's domains: custom ones first, each with the DNS records to create, its
 * verification status and a verify button; then the domains Slipway gives the environment.
 */
export function DomainsSection(props: { scope: Scope; generatedDomains: string[] }) {
  const { scope } = props;
  const queryKey = ["domains", scope.project, scope.app, scope.environment];
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const domains = useQuery({
    queryKey,
    queryFn: () => unwrap(domainsListDomains(sdk, { ...scope, limit: 100 })),
    // A domain being verified changes on its own (the verifier checks about each minute).
    refetchInterval: (query) =>
      query.state.data?.data.some((domain) => domain.status === "verifying") ? 15_000 : false,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const add = useMutation({
    mutationFn: () => unwrap(domainsCreateDomain(sdk, { ...scope, domain: name })),
    onSuccess: () => setName(""),
    onSettled: refresh,
  });
  const verify = useMutation({
    mutationFn: (domain: string) => unwrap(domainsVerifyDomain(sdk, { domain })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (domain: string) => unwrap(domainsDeleteDomain(sdk, { domain })),
    onSettled: refresh,
  });
  const custom = domains.data?.data ?? [];
  const customNames = new Set(custom.map((domain) => domain.domain));
  const generated = props.generatedDomains.filter((domain) => !customNames.has(domain));
  const addError =
    add.error instanceof ApiError
      ? add.error.fieldErrors.find((e) => e.location === "body.domain")
      : undefined;

  return (
    <section aria-labelledby="domains-title">
      <h2 id="domains-title">Domains</h2>
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="new-domain">Custom domain</label>
          <input
            id="new-domain"
            value={name}
            placeholder="api.example.com"
            aria-invalid={Boolean(addError)}
            {...(addError ? { "aria-describedby": "new-domain-message" } : {})}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <button type="submit" disabled={add.isPending || name.trim() === ""}>
          Add domain
        </button>
      </form>
      {addError ? (
        <p id="new-domain-message" className="error field-error" role="alert">
          {addError.message}
          {addError.fix ? `. ${addError.fix}` : ""}
        </p>
      ) : (
        <ErrorNote error={add.error} />
      )}
      <ErrorNote error={domains.error ?? verify.error ?? remove.error} />
      {domains.isPending ? (
        <Skeleton lines={3} label="Loading domains" />
      ) : (
        <ul className="domain-list">
          {custom.map((domain) => (
            <li key={domain.id} className="card" aria-label={`Domain ${domain.domain}`}>
              <header>
                <strong className="mono">{domain.domain}</strong>
                <span className={`status domain-${domain.status}`}>
                  {statusLabels[domain.status]}
                </span>
                <span className="muted">Custom</span>
              </header>
              {domain.verificationError && <p className="muted">{domain.verificationError}</p>}
              {domain.status !== "verified" && (
                <table className="dns-records">
                  <caption>DNS records to create for {domain.domain}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Type</th>
                      <th scope="col">Name</th>
                      <th scope="col">Value</th>
                      <th scope="col">Found</th>
                    </tr>
                  </thead>
                  <tbody>
                    {domain.dnsRecords.map((record) => (
                      <tr key={`${record.type}-${record.name}`}>
                        <td>{record.type}</td>
                        <td className="mono">{record.name}</td>
                        <td className="mono">{record.value}</td>
                        <td>{record.verified ? "Yes" : "Not yet"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div className="actions">
                {domain.status !== "verified" && (
                  <button
                    type="button"
                    disabled={verify.isPending}
                    onClick={() => verify.mutate(domain.domain)}
                  >
                    Verify {domain.domain}
                  </button>
                )}
                <ConfirmButton
                  label={`Delete ${domain.domain}`}
                  confirmLabel={`Delete ${domain.domain} for good`}
                  onConfirm={() => remove.mutate(domain.domain)}
                />
              </div>
            </li>
          ))}
          {generated.map((domain) => (
            <li key={domain} className="card" aria-label={`Domain ${domain}`}>
              <header>
                <strong className="mono">{domain}</strong>
                <span className="muted">Slipway domain</span>
              </header>
            </li>
          ))}
          {custom.length === 0 && generated.length === 0 && (
            <li className="empty">No domains yet: add a custom domain above.</li>
          )}
        </ul>
      )}
    </section>
  );
}
