import { emptyMatch, type MatchDraft, type MatchTarget, matchMethods } from "./policy-draft";

const targets: Array<{ value: MatchTarget; label: string }> = [
  { value: "path", label: "Path" },
  { value: "method", label: "Method" },
  { value: "header", label: "Header" },
  { value: "queryParam", label: "Query parameter" },
];

interface MatchEditorProps {
  match: MatchDraft[];
  onChange: (match: MatchDraft[]) => void;
  /** The shared RE2 check; undefined while it loads. */
  patternProblem: ((pattern: string) => string | undefined) | undefined;
}

/** The policy's match expressions (all must match); regexes are checked with RE2 as typed. */
export function MatchEditor({ match, onChange, patternProblem }: MatchEditorProps) {
  const update = (index: number, change: Partial<MatchDraft>) =>
    onChange(match.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <fieldset className="policy-fieldset">
      <legend>Match (every expression must match; none: every request)</legend>
      {match.map((row, index) => (
        <MatchRow
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          key={index}
          index={index}
          row={row}
          patternProblem={patternProblem}
          update={(change) => update(index, change)}
          remove={() => onChange(match.filter((_, at) => at !== index))}
        />
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...match, { ...emptyMatch }])}
      >
        Add a match expression
      </button>
    </fieldset>
  );
}

function MatchRow(props: {
  index: number;
  row: MatchDraft;
  patternProblem: MatchEditorProps["patternProblem"];
  update: (change: Partial<MatchDraft>) => void;
  remove: () => void;
}) {
  const { row, update } = props;
  const label = `Match ${props.index + 1}`;
  const isField = row.target === "header" || row.target === "queryParam";
  const problem =
    row.mode === "regex" && row.target !== "method" ? props.patternProblem?.(row.value) : undefined;
  const problemId = `match-${props.index}-problem`;
  return (
    <div className="match-row">
      <label>
        {label} target
        <select
          value={row.target}
          onChange={(event) => {
            const target = event.target.value as MatchTarget;
            update({
              target,
              mode: target === "path" && row.mode === "present" ? "prefix" : row.mode,
            });
          }}
        >
          {targets.map((target) => (
            <option key={target.value} value={target.value}>
              {target.label}
            </option>
          ))}
        </select>
      </label>
      {isField && (
        <label>
          {label} name
          <input
            className="mono"
            value={row.name}
            onChange={(event) => update({ name: event.target.value })}
          />
        </label>
      )}
      {row.target === "method" ? (
        <MethodChecks label={label} methods={row.methods} update={update} />
      ) : (
        <StringMatchFields
          label={label}
          row={row}
          isField={isField}
          problemId={problem ? problemId : undefined}
          update={update}
        />
      )}
      <button
        type="button"
        className="secondary"
        aria-label={`Remove ${label.toLowerCase()}`}
        onClick={props.remove}
      >
        Remove
      </button>
      {problem && (
        <span id={problemId} className="why error">
          Invalid RE2 regex: {problem}
        </span>
      )}
    </div>
  );
}

type Update = (change: Partial<MatchDraft>) => void;

function MethodChecks(props: { label: string; methods: MatchDraft["methods"]; update: Update }) {
  const { methods, update } = props;
  return (
    <fieldset className="methods">
      <legend>{props.label} methods</legend>
      {matchMethods.map((method) => (
        <label key={method} className="checkbox">
          <input
            type="checkbox"
            checked={methods.includes(method)}
            onChange={(event) =>
              update({
                methods: event.target.checked
                  ? [...methods, method]
                  : methods.filter((other) => other !== method),
              })
            }
          />
          <span>{method}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Comparison, value and case for a path, header or query parameter. */
function StringMatchFields(props: {
  label: string;
  row: MatchDraft;
  isField: boolean;
  /** The id of the regex problem's message, when there is one. */
  problemId: string | undefined;
  update: Update;
}) {
  const { label, row, update } = props;
  return (
    <>
      <label>
        {label} comparison
        <select
          value={row.mode}
          onChange={(event) => update({ mode: event.target.value as MatchDraft["mode"] })}
        >
          {props.isField && <option value="present">is present</option>}
          <option value="exact">equals</option>
          <option value="prefix">starts with</option>
          <option value="regex">matches regex (RE2)</option>
        </select>
      </label>
      {row.mode !== "present" && (
        <label>
          {label} value
          <input
            className="mono"
            value={row.value}
            aria-invalid={props.problemId !== undefined}
            aria-describedby={props.problemId}
            onChange={(event) => update({ value: event.target.value })}
          />
        </label>
      )}
      {row.mode !== "present" && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={row.ignoreCase}
            onChange={(event) => update({ ignoreCase: event.target.checked })}
          />
          <span>{label} ignore case</span>
        </label>
      )}
    </>
  );
}
