'use client';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes, TARGETS, type TargetId } from '../lib/targets';
import { paretoFrontier } from './pareto';
import { sizeAxis } from './scatter-domain';

export interface ScatterPoint {
  id: string;
  name: string;
  size: number;
  accuracy: number;
}

/** Accuracy against packed size (KiB, log scale), Pareto frontier and the target's weight budget. */
export function RunsScatter({
  points,
  target,
  onOpen,
}: {
  points: ScatterPoint[];
  target: TargetId;
  onOpen(id: string): void;
}) {
  const frontier = paretoFrontier(points);
  const t = TARGETS[target];
  const budgetKiB = (t.flashBytes ?? t.sramBytes) / 1024;
  const data = points.map((p) => ({ ...p, kib: p.size / 1024, pct: p.accuracy * 100 }));
  const front = frontier.map((p) => ({ kib: p.size / 1024, pct: p.accuracy * 100 }));
  const axis = sizeAxis(
    data.map((d) => d.kib),
    budgetKiB,
  );
  const [minKiB, maxKiB] = axis.domain;
  const budgetText = `${t.flashBytes ? 'flash' : 'SRAM'} budget ${formatBytes(t.flashBytes ?? t.sramBytes)}`;
  return (
    <figure className="scatter" aria-label="Accuracy against packed model size" data-testid="runs-scatter">
      <figcaption data-budget-edge={axis.budget.edge}>
        Accuracy vs packed size — {frontier.length} run(s) on the Pareto frontier; dashed line: {t.label}{' '}
        {t.flashBytes ? 'flash' : 'SRAM'} budget ({formatBytes(t.flashBytes ?? t.sramBytes)}). Click a point
        to open its run.
      </figcaption>
      {points.length === 0 ? (
        <p className="muted">No finished runs with an accuracy and a size yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={300}>
          <ComposedChart margin={{ top: 10, right: 20, bottom: 20, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d5d9e0" />
            <XAxis
              type="number"
              dataKey="kib"
              scale="log"
              domain={[minKiB, maxKiB]}
              allowDataOverflow
              name="Packed size"
              unit=" KiB"
              tickFormatter={(v: number) =>
                v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(1)
              }
              label={{ value: 'packed size (KiB, log)', position: 'insideBottom', offset: -10 }}
            />
            <YAxis type="number" dataKey="pct" domain={[0, 100]} name="Accuracy" unit="%" width={50} />
            <Tooltip
              formatter={(v, n) =>
                typeof v === 'number'
                  ? [n === 'Packed size' ? `${v.toFixed(2)} KiB` : `${v.toFixed(2)}%`, n]
                  : [String(v), n]
              }
            />
            <Legend verticalAlign="top" />
            <ReferenceLine
              x={axis.budget.at}
              stroke="#b00020"
              strokeDasharray="6 4"
              strokeWidth={axis.budget.edge === 'none' ? 1 : 3}
              label={{
                value:
                  axis.budget.edge === 'right'
                    ? `${budgetText} →`
                    : axis.budget.edge === 'left'
                      ? `← ${budgetText}`
                      : 'budget',
                fill: '#b00020',
                position: axis.budget.edge === 'left' ? 'insideTopLeft' : 'insideTopRight',
              }}
            />
            <Line
              data={front}
              dataKey="pct"
              name="Pareto frontier"
              stroke="#17663a"
              dot={false}
              isAnimationActive={false}
              type="stepAfter"
            />
            <Scatter
              data={data}
              name="Runs"
              fill="#1f4fd1"
              isAnimationActive={false}
              cursor="pointer"
              onClick={(d: unknown) => {
                const id =
                  (d as { id?: string; payload?: { id?: string } }).payload?.id ?? (d as { id?: string }).id;
                if (id) onOpen(id);
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      )}
      {points.length ? (
        <ul className="visually-hidden">
          {points.map((p) => (
            <li key={p.id}>
              <a href={`/experiments/run?id=${encodeURIComponent(p.id)}`}>
                {p.name}: {(p.accuracy * 100).toFixed(1)}% at {formatBytes(p.size)}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
