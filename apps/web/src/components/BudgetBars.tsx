import { type BudgetUse, budgetUse, formatBytes, formatMs, TARGETS, type TargetId } from '../lib/targets';

const fmt = (r: BudgetUse, n: number) => (r.unit === 'ms' ? formatMs(n) : formatBytes(n));

/** Bars of flash and SRAM use (and latency, when `rows` holds it) against the target's budget. */
export function BudgetBars({
  target,
  weightBytes,
  arenaBytes,
  rows: given,
}: {
  target: TargetId;
  weightBytes: number;
  arenaBytes: number;
  /** Rows to show instead of the weights/arena ones (e.g. `deployBudgetUse`). */
  rows?: BudgetUse[];
}) {
  const rows = given ?? budgetUse(target, weightBytes, arenaBytes);
  return (
    <div className="budget" data-testid="budget-bars">
      <p className="help">{TARGETS[target].note}</p>
      {rows.map((r) => (
        <div key={r.label} className="budget-row">
          <div className="budget-label">
            <span>{r.label}</span>
            <span className={r.over ? 'field-error' : ''}>
              {fmt(r, r.used)} / {fmt(r, r.budget)} ({(r.fraction * 100).toFixed(1)}%)
              {r.over ? ' — over budget' : ''}
            </span>
          </div>
          <meter
            className="visually-hidden"
            aria-label={`${r.label} use`}
            min={0}
            max={r.budget}
            value={Math.min(r.used, r.budget)}
          >
            {fmt(r, r.used)} of {fmt(r, r.budget)}
          </meter>
          <div className="budget-bar" aria-hidden="true">
            <div
              className={`budget-fill${r.over ? ' over' : ''}`}
              style={{ width: `${Math.min(100, r.fraction * 100)}%` }}
            />
          </div>
        </div>
      ))}
    </div>
  );
}
