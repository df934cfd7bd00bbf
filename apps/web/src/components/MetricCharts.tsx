'use client';
import { memo, useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EpochMetrics } from '../train/protocol';

/** Short axis labels: 0.0032 → 3.2e-3, 1.7859 → 1.8. */
function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) < 0.01) return v.toExponential(1);
  return String(Number(v.toPrecision(2)));
}

interface Series {
  key: keyof EpochMetrics;
  label: string;
  color: string;
  dashed?: boolean;
}

/**
 * One chart. It shows its data `delay` ms after it arrives, so the charts re-render one per task instead of all
 * in one long main-thread task while a run streams in; it stays mounted while empty so recharts' first (costly)
 * mount happens before training starts.
 */
const Chart = memo(function Chart({
  title,
  data,
  series,
  percent,
  delay,
}: {
  title: string;
  data: EpochMetrics[];
  series: Series[];
  percent?: boolean;
  delay: number;
}) {
  const [deferred, setDeferred] = useState(data);
  useEffect(() => {
    const t = setTimeout(() => setDeferred(data), delay);
    return () => clearTimeout(t);
  }, [data, delay]);
  const present = series.filter((s) =>
    data.some((d) => typeof d[s.key] === 'number' && Number.isFinite(d[s.key] as number)),
  );
  const last = data.at(-1);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        {title}
        {last
          ? `: ${present
              .map((s) => {
                const v = last[s.key] as number | undefined;
                return typeof v === 'number' && Number.isFinite(v)
                  ? `${s.label} ${percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(4)}`
                  : null;
              })
              .filter(Boolean)
              .join(', ')}`
          : ''}
      </figcaption>
      {data.length === 0 ? <p className="muted chart-empty">Waiting for the first epoch…</p> : null}
      {
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={deferred} margin={{ top: 5, right: 12, bottom: 5, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d5d9e0" />
            <XAxis
              dataKey="epoch"
              allowDecimals={false}
              label={{ value: 'epoch', position: 'insideBottomRight', offset: -2 }}
            />
            <YAxis
              tickFormatter={(v: number) => (percent ? `${Math.round(v * 100)}%` : formatTick(v))}
              width={56}
            />
            <Tooltip
              formatter={(v) =>
                typeof v === 'number' ? (percent ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)) : String(v)
              }
              labelFormatter={(e) => `epoch ${e}`}
            />
            <Legend />
            {present.map((s) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeDasharray={s.dashed ? '5 3' : undefined}
                dot={{ r: 3 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      }
    </figure>
  );
});

const LOSS: Series[] = [
  { key: 'loss', label: 'train', color: '#1f4fd1' },
  { key: 'valLoss', label: 'val', color: '#b00020', dashed: true },
];
const ACCURACY: Series[] = [
  { key: 'accuracy', label: 'train', color: '#1f4fd1' },
  { key: 'valAccuracy', label: 'val', color: '#b00020', dashed: true },
];
const FLIPS: Series[] = [{ key: 'flipRatio', label: 'flips', color: '#6b2fb8' }];

/** Loss and accuracy (train/val) and the flip ratio of binary weights, per epoch. */
export const MetricCharts = memo(function MetricCharts({ epochs }: { epochs: EpochMetrics[] }) {
  return (
    <div className="charts" data-testid="metric-charts">
      <Chart title="Loss" data={epochs} series={LOSS} delay={0} />
      <Chart title="Accuracy" percent data={epochs} series={ACCURACY} delay={40} />
      <Chart title="Flip ratio" data={epochs} series={FLIPS} delay={80} />
    </div>
  );
});
