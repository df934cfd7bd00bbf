'use client';
import {
  getConstraintDef,
  getQuantizerDef,
  hasConstraintDef,
  hasQuantizerDef,
  listConstraintDefs,
  listQuantizerDefs,
  type ParamDef,
  type ParamValue,
  type QuantizerRef,
} from '@bnn-studio/bnn-core';
import { useEffect, useId, useState } from 'react';
import { checkParam, parseNumberList } from './param-validate';

interface FieldProps {
  def: ParamDef;
  /** The value with defaults applied. */
  value: ParamValue | undefined;
  /** Errors reported for this field by graph validation. */
  graphErrors: string[];
  onChange(value: ParamValue): void;
  idPrefix: string;
}

/** A text box that keeps what the user typed until it parses, and follows outside changes (undo, preset). */
function TextField({
  id,
  value,
  parse,
  format,
  onCommit,
  onInvalid,
  describedBy,
  invalid,
  inputMode,
}: {
  id: string;
  value: ParamValue | undefined;
  parse(text: string): ParamValue | undefined;
  format(v: ParamValue | undefined): string;
  onCommit(v: ParamValue): void;
  onInvalid(msg: string | null): void;
  describedBy: string;
  invalid: boolean;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  const [text, setText] = useState(format(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow outside value changes only, not the typed text
  useEffect(() => {
    const parsed = parse(text);
    if (JSON.stringify(parsed) !== JSON.stringify(value)) setText(format(value));
    // only when the outside value changes
  }, [value]);
  return (
    <input
      id={id}
      type="text"
      inputMode={inputMode}
      value={text}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onChange={(e) => {
        setText(e.target.value);
        const v = parse(e.target.value);
        if (v === undefined) onInvalid('Enter a number (or numbers separated by commas).');
        else {
          onInvalid(null);
          onCommit(v);
        }
      }}
    />
  );
}

const num = (t: string): number | undefined =>
  t.trim() === '' || Number.isNaN(Number(t)) ? undefined : Number(t);

function ConfigFields({
  defs,
  config,
  onChange,
  idPrefix,
}: {
  defs: ParamDef[];
  config: Record<string, number | string | boolean | null>;
  onChange(c: Record<string, number | string | boolean | null>): void;
  idPrefix: string;
}) {
  if (defs.length === 0) return null;
  return (
    <div className="config-fields">
      {defs.map((d) => (
        <ParamField
          key={d.name}
          def={d}
          idPrefix={`${idPrefix}-cfg`}
          // An explicit null (e.g. clip_value: null, Larq's None) is a value, not "use the default".
          value={d.name in config ? (config[d.name] as ParamValue) : d.default}
          graphErrors={[]}
          onChange={(v) => onChange({ ...config, [d.name]: v as number | string | boolean | null })}
        />
      ))}
    </div>
  );
}

export function ParamField({ def, value, graphErrors, onChange, idPrefix }: FieldProps) {
  const id = `${idPrefix}-${def.name}`;
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const [parseError, setParseError] = useState<string | null>(null);
  const rangeError = checkParam(def, value);
  const errors = [parseError, rangeError, ...graphErrors].filter((e): e is string => !!e);
  const uniqueErrors = [...new Set(errors)];
  const describedBy = uniqueErrors.length ? `${helpId} ${errId}` : helpId;
  const invalid = uniqueErrors.length > 0;
  const baseId = useId();

  let control: React.ReactNode;
  switch (def.kind) {
    case 'int':
    case 'float':
      control = (
        <>
          <TextField
            id={id}
            value={value}
            // Nullable numbers (e.g. clip_value): an empty box is null, Larq's None.
            parse={(t) => (def.nullable && t.trim() === '' ? null : num(t))}
            format={(v) => (v === null || v === undefined ? '' : String(v))}
            onCommit={onChange}
            onInvalid={setParseError}
            describedBy={describedBy}
            invalid={invalid}
            inputMode={def.kind === 'int' ? 'numeric' : 'decimal'}
          />
          {def.nullable ? <span className="help">Leave empty for none (null, Larq's None).</span> : null}
        </>
      );
      break;
    case 'bool':
      control = (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
      break;
    case 'enum':
      control = (
        <select
          id={id}
          value={String(value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => {
            const opt = def.options?.find((o) => String(o) === e.target.value);
            if (opt !== undefined) onChange(opt);
          }}
        >
          {(def.options ?? []).map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'intPair':
    case 'floatPair':
    case 'shape':
      control = (
        <>
          <TextField
            id={id}
            value={value}
            parse={(t) => {
              if (def.nullable && t.trim() === '') return null;
              const list = parseNumberList(t);
              // One integer for a pair means both (kernel_size=5 as in Keras and Larq).
              if (def.kind === 'intPair' && list?.length === 1) return list[0]!;
              return list ?? undefined;
            }}
            format={(v) => (Array.isArray(v) ? v.join(', ') : typeof v === 'number' ? String(v) : '')}
            onCommit={onChange}
            onInvalid={setParseError}
            describedBy={describedBy}
            invalid={invalid}
          />
          {def.nullable ? <span className="help">Leave empty for the default (none).</span> : null}
        </>
      );
      break;
    case 'quantizer':
    case 'constraint': {
      const ref = (
        value && typeof value === 'object' && !Array.isArray(value) ? value : null
      ) as QuantizerRef | null;
      const options = def.kind === 'quantizer' ? listQuantizerDefs() : listConstraintDefs();
      const known = ref
        ? def.kind === 'quantizer'
          ? hasQuantizerDef(ref.id)
          : hasConstraintDef(ref.id)
        : false;
      const cfgDefs =
        ref && known
          ? (def.kind === 'quantizer' ? getQuantizerDef(ref.id) : getConstraintDef(ref.id)).config
          : [];
      const selectedHelp =
        ref && known ? options.find((o) => o.id === ref.id || o.aliases.includes(ref.id))?.help : null;
      control = (
        <>
          <select
            id={id}
            value={
              ref ? (options.find((o) => o.id === ref.id || o.aliases.includes(ref.id))?.id ?? ref.id) : ''
            }
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => onChange(e.target.value ? { id: e.target.value } : null)}
          >
            {def.nullable ? <option value="">None (float)</option> : null}
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label} ({o.id})
              </option>
            ))}
            {ref && !known ? <option value={ref.id}>{ref.id} (unknown)</option> : null}
          </select>
          {selectedHelp ? <p className="help">{selectedHelp}</p> : null}
          {ref ? (
            <ConfigFields
              defs={cfgDefs}
              config={ref.config ?? {}}
              idPrefix={`${id}-${baseId}`}
              onChange={(config) => onChange({ id: ref.id, config })}
            />
          ) : null}
        </>
      );
      break;
    }
    case 'normalization': {
      const n = (value && typeof value === 'object' && !Array.isArray(value) ? value : null) as {
        mean: number;
        std: number;
      } | null;
      control = (
        <>
          <select
            id={id}
            value={n ? 'on' : 'off'}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value === 'on' ? { mean: 0, std: 1 } : null)}
          >
            <option value="off">None</option>
            <option value="on">(x − mean) / std</option>
          </select>
          {n ? (
            <div className="config-fields">
              {(['mean', 'std'] as const).map((k) => (
                <div key={k}>
                  <label htmlFor={`${id}-${k}`}>{k}</label>
                  <TextField
                    id={`${id}-${k}`}
                    value={n[k]}
                    parse={num}
                    format={(v) => (v === null || v === undefined ? '' : String(v))}
                    onCommit={(v) => onChange({ ...n, [k]: v as number })}
                    onInvalid={setParseError}
                    describedBy={describedBy}
                    invalid={invalid}
                  />
                </div>
              ))}
            </div>
          ) : null}
        </>
      );
      break;
    }
    default:
      control = <code>{JSON.stringify(value)}</code>;
  }

  return (
    <div className={`param-field${invalid ? ' invalid' : ''}`} data-param={def.name}>
      <label htmlFor={id}>{def.name}</label>
      {control}
      <p id={helpId} className="help">
        {def.help}
        {def.min !== undefined && def.max !== undefined && def.kind !== 'floatPair'
          ? ` Range ${def.min}–${def.max}.`
          : ''}
      </p>
      {uniqueErrors.length ? (
        <p id={errId} className="field-error" role="alert">
          {uniqueErrors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}
