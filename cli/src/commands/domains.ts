import type { Command } from "commander";
import type { CliIo } from "../cli-io.js";
import { renderTable } from "../output/table.js";
import { commandContext, examples, readTarget, withTarget } from "./command-context.js";

interface DnsRecord {
  type: string;
  name: string;
  value: string;
  ttl: number;
  verified: boolean;
  note?: string | undefined;
}

/** Pure: the DNS records to create, as a table people copy from. */
export const renderDnsRecords = (records: readonly DnsRecord[]) =>
  renderTable(
    ["TYPE", "NAME", "VALUE", "TTL", "VERIFIED"],
    records.map((record) => [
      record.type,
      record.name,
      record.value,
      String(record.ttl),
      record.verified ? "yes" : "no",
    ]),
  );

export function domainsCommand(program: Command, io: CliIo) {
  const domains = program.command("domains").description("Custom domains of an environment");

  withTarget(
    domains
      .command("add")
      .description("Attach a custom domain and print the DNS records it needs")
      .argument("<domain>", "hostname, e.g. shop.example.com"),
  )
    .addHelpText("after", examples("slipway domains add shop.example.com -p storefront -a web"))
    .action(async (domain: string, options, command: Command) => {
      const { output, api } = commandContext(io, command);
      const target = readTarget(options);
      const { data } = await (await api()).call((sdk) =>
        sdk.domains.createDomain({ ...target, domain }),
      );
      output.result({ domain, ...data }, (created) => [
        `Added ${domain} (${created.domainId}). Create these DNS records, then run: slipway domains verify ${domain}`,
        "",
        ...renderDnsRecords(created.dnsRecords),
      ]);
    });

  domains
    .command("verify")
    .description("Check a domain's DNS records now (again)")
    .argument("<domain>", "hostname or domain id")
    .addHelpText("after", examples("slipway domains verify shop.example.com"))
    .action(async (domain: string, _options, command: Command) => {
      const { output, api: connect } = commandContext(io, command);
      const api = await connect();
      await api.call((sdk) => sdk.domains.verifyDomain({ domain }));
      const { data } = await api.call((sdk) => sdk.domains.getDomain({ domain }));
      output.result(data, (found) => [
        `${found.domain}: ${found.status}${found.verificationError ? ` (${found.verificationError})` : ""}`,
        ...(found.status === "verified" ? [] : ["", ...renderDnsRecords(found.dnsRecords)]),
      ]);
    });

  withTarget(domains.command("list").description("List an environment's domains"))
    .addHelpText("after", examples("slipway domains list -p storefront -a web"))
    .action(async (options, command: Command) => {
      const { output, api } = commandContext(io, command);
      const target = readTarget(options);
      const page = await (await api()).call((sdk) => sdk.domains.listDomains(target));
      output.result({ domains: page.data, pagination: page.pagination }, ({ domains: rows }) =>
        renderTable(
          ["ID", "DOMAIN", "STATUS", "ERROR"],
          rows.map((row) => [row.id, row.domain, row.status, row.verificationError ?? ""]),
        ),
      );
    });
}
