import { budgetUse, formatBytes, TARGETS, type TargetId } from '../lib/targets';

/** Bars of flash and SRAM use against the target's budget. */
export function BudgetBars({
  target,
  weightBytes,
  arenaBytes,
}: {
  target: TargetId;
  weightBytes: number;
  arenaBytes: number;
}) {
  const rows = budgetUse(target, weightBytes, arenaBytes);
  return (
    <div className="budget" data-testid="budget-bars">
      <p className="help">{TARGETS[target].note}</p>
      {rows.map((r) => (
        <div key={r.label} className="budget-row">
          <div className="budget-label">
            <span>{r.label}</span>
            <span className={r.over ? 'field-error' : ''}>
              {formatBytes(r.used)} / {formatBytes(r.budget)} ({(r.fraction * 100).toFixed(1)}%)
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
            {formatBytes(r.used)} of {formatBytes(r.budget)}
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
