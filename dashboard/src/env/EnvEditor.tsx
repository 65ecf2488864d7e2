import { useEffect, useRef, useState } from "react";
import { Drawer } from "../ui/Drawer";
import { type DotenvProblem, parseDotenv } from "./dotenv-parse";
import { duplicateKeys } from "./duplicate-keys";
import type { DraftRow } from "./env-draft";
import { newRowId } from "./use-env-draft";

const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EnvEditorProps {
  environmentLabel: string;
  rows: DraftRow[];
  setRows: (update: (rows: DraftRow[]) => DraftRow[]) => void;
  existingKeys: ReadonlySet<string>;
  saving: boolean;
  onSave: () => void;
  onClose: () => void;
  saveError: React.ReactNode;
}

/** The slide-out editor: rows to add or replace, `.env` paste that appends, duplicates flagged. */
export function EnvEditor(props: EnvEditorProps) {
  const { rows, setRows, existingKeys } = props;
  const [pasteText, setPasteText] = useState("");
  const [problems, setProblems] = useState<DotenvProblem[]>([]);
  const firstField = useRef<HTMLTextAreaElement>(null);
  const duplicates = duplicateKeys(rows);
  const invalid = rows.filter((row) => !keyPattern.test(row.key.trim()));
  const lostSecrets = rows.filter((row) => row.secret && row.valueLost && row.value === "");
  const canSave =
    rows.length > 0 && duplicates.size === 0 && invalid.length === 0 && lostSecrets.length === 0;

  useEffect(() => firstField.current?.focus(), []);

  function appendPasted() {
    const parsed = parseDotenv(pasteText);
    setProblems(parsed.problems);
    if (parsed.entries.length === 0) return;
    setRows((current) => [
      ...current,
      ...parsed.entries.map((entry) => ({
        id: newRowId(),
        key: entry.key,
        value: entry.value,
        secret: true,
      })),
    ]);
    setPasteText("");
  }

  function update(id: string, change: Partial<DraftRow>) {
    setRows((current) =>
      current.map((row) =>
        row.id === id
          ? { ...row, ...change, valueLost: change.value ? false : row.valueLost }
          : row,
      ),
    );
  }

  return (
    <Drawer
      titleId="env-editor-title"
      title={<>Edit variables · {props.environmentLabel}</>}
      onClose={props.onClose}
    >
      <p className="muted">
        Unsaved rows are kept in this tab if you close the editor or reload. Write-only values are
        never stored in the browser: after a reload, type them again.
      </p>
      <label>
        Paste .env text (appends rows)
        <textarea
          ref={firstField}
          rows={4}
          value={pasteText}
          onChange={(event) => setPasteText(event.target.value)}
          placeholder={"DATABASE_URL=postgres://…\nAPI_TOKEN=…"}
        />
      </label>
      <div>
        <button
          type="button"
          className="secondary"
          disabled={!pasteText.trim()}
          onClick={appendPasted}
        >
          Append pasted variables
        </button>{" "}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setRows((current) => [...current, { id: newRowId(), key: "", value: "", secret: true }])
          }
        >
          Add a row
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="error" aria-label="Lines that were not read">
          {problems.map((problem) => (
            <li key={problem.line}>
              Line {problem.line}: {problem.reason}
            </li>
          ))}
        </ul>
      )}
      <fieldset className="draft-rows">
        <legend className="visually-hidden">Unsaved variables</legend>
        {rows.map((row, index) => {
          const key = row.key.trim();
          const isDuplicate = duplicates.has(key);
          return (
            <div
              key={row.id}
              className={`draft-row${isDuplicate ? " duplicate" : ""}`}
              data-duplicate={isDuplicate || undefined}
            >
              <label>
                Key {index + 1}
                <input
                  className="mono"
                  value={row.key}
                  aria-invalid={isDuplicate || (key !== "" && !keyPattern.test(key))}
                  onChange={(event) => update(row.id, { key: event.target.value })}
                />
              </label>
              <label>
                Value {index + 1}
                <input
                  className="mono"
                  type={row.secret ? "password" : "text"}
                  autoComplete="off"
                  value={row.value}
                  placeholder={row.valueLost ? "Type the write-only value again" : ""}
                  onChange={(event) => update(row.id, { value: event.target.value })}
                />
              </label>
              <label className="checkbox">
                <span>Write-only</span>
                <input
                  type="checkbox"
                  checked={row.secret}
                  onChange={(event) => update(row.id, { secret: event.target.checked })}
                />
              </label>
              <button
                type="button"
                className="secondary"
                aria-label={`Remove row ${index + 1}`}
                onClick={() => setRows((current) => current.filter((other) => other.id !== row.id))}
              >
                Remove
              </button>
              {(isDuplicate || existingKeys.has(key) || (key !== "" && !keyPattern.test(key))) && (
                <span className={`why${isDuplicate ? " error" : " muted"}`}>
                  {isDuplicate
                    ? `${key} appears on more than one row`
                    : existingKeys.has(key)
                      ? `Replaces the saved ${key}`
                      : "Letters, digits and underscores, not starting with a digit"}
                </span>
              )}
            </div>
          );
        })}
      </fieldset>
      <div>
        <button type="button" disabled={!canSave || props.saving} onClick={props.onSave}>
          {props.saving ? "Saving…" : `Save ${rows.length} variable${rows.length === 1 ? "" : "s"}`}
        </button>{" "}
        <button
          type="button"
          className="secondary"
          disabled={rows.length === 0}
          onClick={() => setRows(() => [])}
        >
          Discard changes
        </button>
      </div>
      {duplicates.size > 0 && (
        <p className="error" role="alert">
          Duplicate keys: {[...duplicates].join(", ")}. Keep one row per key to save.
        </p>
      )}
      {props.saveError}
    </Drawer>
  );
}
