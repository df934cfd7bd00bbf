'use client';
import { useEffect, useState } from 'react';

/** A labelled number input that keeps partial text while typing and reports parsed numbers. */
export function NumberField({
  id,
  label,
  value,
  onChange,
  help,
  error,
  step,
}: {
  id: string;
  label: string;
  value: number;
  onChange(v: number): void;
  help?: string;
  error?: string | undefined;
  step?: string;
}) {
  const [text, setText] = useState(String(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow outside value changes only, not the typed text
  useEffect(() => {
    if (Number(text) !== value) setText(String(value));
  }, [value]);
  const describedBy =
    [help ? `${id}-help` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="num-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        step={step}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && !Number.isNaN(n)) onChange(n);
        }}
      />
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
