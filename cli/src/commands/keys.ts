import { type Command, Option } from "commander";
import { exitCodes, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { readSecret } from "../input/read-input.js";
import { commandContext, examples, positiveInteger } from "./command-context.js";

export function keysCommand(program: Command, io: CliIo, setExitCode: (code: number) => void) {
  const keys = program.command("keys").description("API keys of your APIs (keyspaces)");

  addKeysCreate(keys, io);
  addKeysVerify(keys, io, setExitCode);
}

function addKeysCreate(keys: Command, io: CliIo) {
  keys
    .command("create")
    .description("Create a key; it is printed this once and stored only hashed")
    .requiredOption("--api <apiId>", "the API (keyspace) the key belongs to")
    .option("--name <name>", "a name for people")
    .option("--prefix <prefix>", "a prefix for the key, e.g. sk_live")
    .option("--external-id <id>", "your id of the key's owner")
    .addOption(
      new Option("--expires-in <seconds>", "the key stops working after this long").argParser(
        positiveInteger("--expires-in"),
      ),
    )
    .addOption(
      new Option("--credits <n>", "how many verifications it allows").argParser(
        positiveInteger("--credits"),
      ),
    )
    .addHelpText(
      "after",
      examples(
        "slipway keys create --api api_123 --name ci --prefix sk",
        "slipway keys create --api api_123 --output=json | jq -r .key",
      ),
    )
    .action(
      async (
        options: {
          api: string;
          name?: string;
          prefix?: string;
          externalId?: string;
          expiresIn?: number;
          credits?: number;
        },
        command: Command,
      ) => {
        const { output, io: commandIo, api } = commandContext(io, command);
        const { data } = await (await api()).call((sdk) =>
          sdk.keys.createKey({
            apiId: options.api,
            ...(options.name ? { name: options.name } : {}),
            ...(options.prefix ? { prefix: options.prefix } : {}),
            ...(options.externalId ? { externalId: options.externalId } : {}),
            ...(options.expiresIn ? { expires: commandIo.now() + options.expiresIn * 1000 } : {}),
            ...(options.credits ? { credits: { remaining: options.credits } } : {}),
          }),
        );
        output.result(data, (created) => created.key);
        output.note(`Created ${data.keyId}. The key is shown only this once: store it now.`);
      },
    );
}

function addKeysVerify(keys: Command, io: CliIo, setExitCode: (code: number) => void) {
  keys
    .command("verify")
    .description(
      "Verify a key: prints its outcome (VALID, NOT_FOUND, EXPIRED, …); exits 0 only when valid",
    )
    .argument("[key]", "the key; read from stdin (or typed, hidden) when left out")
    .option(
      "--permissions <query>",
      "a permission query the key must satisfy, e.g. 'documents.read'",
    )
    .addHelpText(
      "after",
      examples(
        'printf %s "$KEY" | slipway keys verify',
        "slipway keys verify sk_123 --permissions documents.read --output=json",
      ),
    )
    .action(
      async (
        keyArgument: string | undefined,
        options: { permissions?: string },
        command: Command,
      ) => {
        const { output, api } = commandContext(io, command);
        const key = keyArgument ?? (await readSecret(io, "Key: "));
        if (!key) throw usageError("No key given.");
        const { data } = await (await api()).call((sdk) =>
          sdk.keys.verifyKey({
            key,
            ...(options.permissions ? { permissions: options.permissions } : {}),
          }),
        );
        output.result(
          data,
          (verified) =>
            `${verified.code}${verified.keyId ? ` ${verified.keyId}` : ""}${verified.name ? ` (${verified.name})` : ""}`,
        );
        // An invalid key is an answer, not a failure of the call: scripts still get a non-zero exit.
        if (!data.valid) setExitCode(exitCodes.unexpected);
      },
    );
}
