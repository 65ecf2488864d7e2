import type { PolicyInput, PolicyKind } from "@slipway/shared/policy";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { Drawer } from "../ui/Drawer";
import { MatchEditor } from "./MatchEditor";
import { type PolicyDraft, policyFromDraft } from "./policy-draft";
import { kindLabels, policyKinds } from "./policy-summary";
import { RuleFields } from "./RuleFields";
import { usePolicyValidator } from "./use-policy-validator";

interface PolicyEditorProps {
  title: string;
  initial: PolicyDraft;
  saving: boolean;
  onSave: (policy: PolicyInput) => void;
  onClose: () => void;
  saveError: ReactNode;
}

/**
 * The slide-out editor for one policy of any kind. The problems it lists are the server's own
 * (the shared schema, loaded when the editor opens), recomputed on every keystroke.
 */
export function PolicyEditor(props: PolicyEditorProps) {
  const [draft, setDraft] = useState(props.initial);
  const validator = usePolicyValidator();
  const policy = useMemo(() => policyFromDraft(draft), [draft]);
  const problems = useMemo(() => validator?.policyProblems(policy), [validator, policy]);
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => firstField.current?.focus(), []);

  return (
    <Drawer titleId="policy-editor-title" title={props.title} onClose={props.onClose}>
      <form
        className="policy-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (problems?.length === 0) props.onSave(policy);
        }}
      >
        <div className="toolbar">
          <label>
            Policy name
            <input
              ref={firstField}
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            />
          </label>
          <label>
            Rule
            <select
              value={draft.kind}
              onChange={(event) => setDraft({ ...draft, kind: event.target.value as PolicyKind })}
            >
              {policyKinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabels[kind]}
                </option>
              ))}
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(event) => setDraft({ ...draft, enabled: event.target.checked })}
            />
            <span>Enabled</span>
          </label>
        </div>
        <MatchEditor
          match={draft.match}
          onChange={(match) => setDraft({ ...draft, match })}
          patternProblem={validator?.patternProblem}
        />
        <RuleFields draft={draft} onChange={setDraft} />
        {problems && problems.length > 0 && (
          <ul className="error" aria-label="What to fix before saving">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <div>
          <button type="submit" disabled={problems?.length !== 0 || props.saving}>
            {props.saving ? "Saving…" : problems ? "Save policy" : "Checking…"}
          </button>
        </div>
        {props.saveError}
      </form>
    </Drawer>
  );
}
