import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.js';
import { getPreset } from '../presets/presets.js';
import { deployedShapeGraph, overBudget, packedCost } from './cost.js';
import {
  candidateGraph,
  candidateKey,
  QUICKNET_DEFAULTS,
  quicknetGraph,
  SEARCH_FAMILY_DEFS,
  SEARCH_PRESETS,
  TRUNK_DEFAULTS,
  trunkGraph,
} from './families.js';
import {
  bestTrial,
  nextDecision,
  paretoFront,
  rungEpochs,
  type SchedulerConfig,
  type TrialRecord,
} from './scheduler.js';
import { drawCandidate, parseSearchSpace, presetCandidate, type SearchSpace, spaceSize } from './space.js';

const structure = (g: ReturnType<typeof trunkGraph>) => ({ nodes: g.nodes, edges: g.edges });
const space = (input: unknown = {}): SearchSpace => {
  const r = parseSearchSpace(input);
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.space;
};

describe('mnist-trunk family', () => {
  it('rebuilds mnist-tiny with its defaults and mnist-8k with a last width of 40', () => {
    expect(structure(trunkGraph(TRUNK_DEFAULTS))).toEqual(structure(getPreset('mnist-tiny')!));
    const w8k = { ...TRUNK_DEFAULTS, widths: [32, 64, 40, 64] };
    expect(structure(trunkGraph(w8k))).toEqual(structure(getPreset('mnist-8k')!));
  });

  it('builds a valid graph for every candidate of a seeded sample of the default space', () => {
    const s = space({
      firstLayer: ['float', 'int8', 'binary-kernel'],
      lastLayer: ['binary', 'float', 'int8'],
    });
    const rng = new Rng(7);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const c = drawCandidate(s, rng, seen);
      if (!c) break;
      seen.add(c.key);
      const cost = packedCost(trunkGraph(c.params));
      expect(cost.packedBytes).toBeGreaterThan(0);
    }
    expect(seen.size).toBeGreaterThan(30);
  });

  it('draws the same candidates for the same seed and never repeats a key', () => {
    const s = space();
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      const seen = new Set<string>();
      for (let i = 0; i < 25; i++) seen.add(drawCandidate(s, rng, seen)!.key);
      return [...seen];
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    expect(new Set(draw(3)).size).toBe(25);
  });

  it('counts the distinct candidates of a space, and drawing stops when they are all seen', () => {
    const s = space({
      widths: [[1], [1], [1], [1]],
      depths: [1, 2],
      hidden: [0],
      firstLayer: ['float'],
      quantizers: ['ste_sign'],
    });
    expect(spaceSize(s)).toBe(2);
    const rng = new Rng(1);
    const seen = new Set<string>();
    seen.add(drawCandidate(s, rng, seen)!.key);
    seen.add(drawCandidate(s, rng, seen)!.key);
    expect(drawCandidate(s, rng, seen, 50)).toBeNull();
  });

  it('names a bad space field', () => {
    const r = parseSearchSpace({ depths: [4] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatch(/^depths\.0:/);
    const r2 = parseSearchSpace({ minEpochs: 5, maxEpochs: 3 });
    expect(r2.ok).toBe(false);
  });
});

describe('quicknet family', () => {
  it('rebuilds quicknet-28 node for node with its defaults', () => {
    expect(structure(quicknetGraph(QUICKNET_DEFAULTS))).toEqual(structure(getPreset('quicknet-28')!));
    expect(structure(candidateGraph(QUICKNET_DEFAULTS))).toEqual(structure(getPreset('quicknet-28')!));
  });

  it('fills its own defaults; every preset a search may start from is rebuilt by its family', () => {
    const q = space({ family: 'quicknet' });
    expect(q).toMatchObject({ family: 'quicknet', ...SEARCH_FAMILY_DEFS.quicknet.spaceDefaults });
    expect(space({ family: 'quicknet', depths: [3] }).widths).toEqual(q.widths);
    expect(Object.entries(SEARCH_PRESETS).sort()).toEqual([
      ['mnist-8k', 'mnist-trunk'],
      ['mnist-tiny', 'mnist-trunk'],
      ['quicknet-28', 'quicknet'],
    ]);
    for (const [preset, family] of Object.entries(SEARCH_PRESETS)) {
      const c = presetCandidate(preset, space({ family }))!;
      expect(c.params.family).toBe(family);
      expect(structure(candidateGraph(c.params))).toEqual(structure(getPreset(preset)!));
    }
  });

  it('builds a valid, prunable graph for every candidate of a seeded sample of a wide space', () => {
    const s = space({
      family: 'quicknet',
      widths: [
        [0.5, 1],
        [0.25, 0.5, 1],
        [0.5, 1],
        [0.5, 1],
      ],
      depths: [1, 2, 3],
      firstLayer: ['float', 'int8', 'binary-kernel'],
      lastLayer: ['binary', 'float', 'int8'],
      quantizers: ['ste_sign', 'approx_sign', 'swish_sign'],
    });
    const rng = new Rng(11);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const c = drawCandidate(s, rng, seen);
      if (!c) break;
      seen.add(c.key);
      expect(c.key).toMatch(/^quicknet\//);
      expect(c.params.widths).toHaveLength(4);
      const g = candidateGraph(c.params, { inputShape: [28, 28, 1], classes: 10 });
      const cost = packedCost(g);
      expect(cost.packedBytes).toBeGreaterThan(0);
      expect(g.nodes.filter((n) => n.type === 'Add')).toHaveLength(3 * c.params.depth);
      // Pruning's shapes (cost before training with a prune fraction) work on the residual sections too.
      expect(packedCost(deployedShapeGraph(g, 0.5)).binaryMacs!).toBeLessThan(cost.binaryMacs!);
    }
    expect(seen.size).toBe(30);
  });

  it('counts its candidates and keys every width (all sections are used)', () => {
    const s = space({
      family: 'quicknet',
      widths: [[1], [0.5, 1], [1]],
      depths: [1, 2],
      firstLayer: ['float'],
      lastLayer: ['float'],
      quantizers: ['ste_sign'],
    });
    expect(spaceSize(s)).toBe(4);
    expect(candidateKey({ ...QUICKNET_DEFAULTS, depth: 1 })).toBe(
      'quicknet/16-32-64/d1/h0/int8/int8/ste_sign/p0/lr0.002',
    );
  });

  it("names a space outside the family's ranges", () => {
    const issues = (input: unknown) => {
      const r = parseSearchSpace(input);
      return r.ok ? [] : r.issues;
    };
    expect(issues({ family: 'quicknet', depths: [5] })).toEqual([expect.stringMatching(/^depths\.0:/)]);
    expect(issues({ family: 'quicknet', depths: [4] })).toEqual([]);
    expect(issues({ depths: [4] })).toEqual([
      expect.stringMatching(/^depths\.0: mnist-trunk has 1–3 binary 3×3 convolutions, not 4/),
    ]);
    expect(issues({ family: 'quicknet', hidden: [0, 64] })).toEqual([
      expect.stringMatching(/^hidden: quicknet has no hidden dense layer/),
    ]);
    expect(issues({ widths: [[1], [1], [1]] })).toEqual([
      expect.stringMatching(/^widths: mnist-trunk has 4 stages/),
    ]);
    expect(issues({ family: 'quicknet', widths: [[1]] })[0]).toMatch(/^widths/);
    expect(issues({ family: 'resnet' })[0]).toMatch(/^family/);
  });

  it('starts a search from a preset of either family', () => {
    const s = space();
    expect(presetCandidate('quicknet-28', s)).toEqual({
      params: { ...QUICKNET_DEFAULTS, learningRate: s.learningRates[0] },
      key: candidateKey(QUICKNET_DEFAULTS),
    });
    expect(presetCandidate('mnist-8k', s)!.params).toMatchObject({
      family: 'mnist-trunk',
      widths: [32, 64, 40, 64],
    });
    expect(structure(candidateGraph(presetCandidate('mnist-tiny', s)!.params))).toEqual(
      structure(getPreset('mnist-tiny')!),
    );
    expect(presetCandidate('larq-mnist', s)).toBeNull();
  });
});

describe('cost before training', () => {
  it('is the preset size for mnist-tiny, and pruning shrinks it', () => {
    const g = trunkGraph(TRUNK_DEFAULTS);
    const c = packedCost(g);
    expect(c.packedBytes).toBeLessThan(16 * 1024);
    const pruned = packedCost(deployedShapeGraph(g, 0.5));
    expect(pruned.packedBytes).toBeLessThan(c.packedBytes);
    expect(pruned.binaryMacs!).toBeLessThan(c.binaryMacs!);
  });

  it('names every limit that is exceeded, and what is not estimated', () => {
    expect(overBudget({ packedBytes: 1000 }, { packedBytes: 2048 })).toBeNull();
    expect(overBudget({ packedBytes: 17613, ramBytes: 10 }, { packedBytes: 16384, ramBytes: 100 })).toBe(
      'weights 17.2 KiB > 16.0 KiB',
    );
    expect(overBudget({ packedBytes: 1, latencyMs: 60 }, { latencyMs: 50, flashBytes: 1 })).toBe(
      'flash not estimated for this target; latency 60.0 ms > 50.0 ms',
    );
  });
});

describe('successive halving scheduler', () => {
  it('spaces rungs by η up to the full schedule', () => {
    expect(rungEpochs({ maxEpochs: 9, minEpochs: 1, eta: 3 })).toEqual([1, 3, 9]);
    expect(rungEpochs({ maxEpochs: 10, minEpochs: 1, eta: 3 })).toEqual([1, 3, 10]);
    expect(rungEpochs({ maxEpochs: 4, minEpochs: 4, eta: 3 })).toEqual([4]);
    expect(rungEpochs({ maxEpochs: 8, minEpochs: 2, eta: 2 })).toEqual([2, 4, 8]);
  });

  /**
   * Drives the scheduler with a fake evaluator: candidate i has true quality q_i (seeded), a trial's score is q_i
   * scaled by its epochs' share; `parallel` trials run at once and finish in a seeded order.
   */
  function simulate(cfg: SchedulerConfig, seed: number, opts: { timeEpochs?: number } = {}) {
    const rng = new Rng(seed);
    const quality = new Map<string, number>();
    const trials: TrialRecord[] = [];
    const epochsOf = rungEpochs(cfg);
    let started = 0;
    let usedEpochs = 0;
    const log: string[] = [];
    for (let step = 0; step < 10_000; step++) {
      const d = nextDecision(cfg, trials, {
        started,
        canSample: true,
        canStart: (e) => opts.timeEpochs === undefined || usedEpochs + e <= opts.timeEpochs,
      });
      if (d.kind === 'finish') return { trials, quality, started, usedEpochs, log, reason: d.reason };
      if (d.kind === 'sample') {
        const id = `c${started++}`;
        quality.set(id, rng.next());
        trials.push({ candidate: id, rung: 0, status: 'queued', score: null });
        usedEpochs += d.epochs;
        log.push(`sample ${id}`);
      } else if (d.kind === 'promote') {
        trials.push({ candidate: d.candidate, rung: d.rung, status: 'queued', score: null });
        usedEpochs += d.epochs;
        log.push(`promote ${d.candidate}→${d.rung}`);
      } else if (d.kind === 'refit') {
        trials.push({ candidate: d.candidate, rung: d.rung, status: 'queued', score: null, refit: true });
        usedEpochs += cfg.refitCost ?? d.epochs;
        log.push(`refit ${d.candidate}`);
      } else {
        const active = trials.filter((t) => t.status === 'queued');
        const t = active[Math.floor(rng.next() * active.length)]!;
        t.status = 'done';
        // The refit has no validation split: no score.
        t.score = t.refit ? null : quality.get(t.candidate)! * (epochsOf[t.rung]! / cfg.maxEpochs);
      }
    }
    throw new Error('simulation did not finish');
  }

  it('never starts more trials than allowed, nor more at once than `parallel`, and ends fully trained', () => {
    for (const seed of [1, 2, 3]) {
      const cfg: SchedulerConfig = { maxEpochs: 9, minEpochs: 1, eta: 3, trials: 12, parallel: 3 };
      const r = simulate(cfg, seed);
      expect(r.started).toBe(12);
      expect(r.trials.filter((t) => t.rung === 0)).toHaveLength(12);
      expect(r.reason).toBe('complete');
      const best = bestTrial(r.trials)!;
      expect(best.rung).toBe(2);
      // Only the top third of each rung's finished trials is promoted (plus the end-game carry of one).
      const rung1 = r.trials.filter((t) => t.rung === 1).length;
      expect(rung1).toBeLessThanOrEqual(Math.floor(12 / 3) + 1);
      // The true best candidate reaches the last rung: the fake scores preserve the order.
      const trueBest = [...r.quality].sort((a, b) => b[1] - a[1])[0]![0];
      expect(r.trials.some((t) => t.candidate === trueBest && t.rung === 2)).toBe(true);
    }
  });

  it('is deterministic for the same records and seed', () => {
    const cfg: SchedulerConfig = { maxEpochs: 9, minEpochs: 1, eta: 3, trials: 10, parallel: 2 };
    expect(simulate(cfg, 5).log).toEqual(simulate(cfg, 5).log);
  });

  it('keeps within a time budget (in epochs here) and still trains one candidate fully', () => {
    const cfg: SchedulerConfig = { maxEpochs: 9, minEpochs: 1, eta: 3, trials: null, parallel: 1 };
    const r = simulate(cfg, 4, { timeEpochs: 40 });
    expect(r.usedEpochs).toBeLessThanOrEqual(40);
    expect(bestTrial(r.trials)!.rung).toBe(2);
  });

  it('refits the best fully trained candidate last, on all the data, and selects the refit', () => {
    for (const seed of [1, 2, 3]) {
      const cfg: SchedulerConfig = {
        maxEpochs: 9,
        minEpochs: 1,
        eta: 3,
        trials: 12,
        parallel: 3,
        refit: true,
      };
      const r = simulate(cfg, seed);
      expect(r.reason).toBe('complete');
      const refits = r.trials.filter((t) => t.refit);
      expect(refits).toHaveLength(1);
      // It is the last trial (nothing starts beside or after it), one rung past the last, of the best at the top.
      expect(r.trials.at(-1)).toBe(refits[0]);
      expect(refits[0]!.rung).toBe(rungEpochs(cfg).length);
      const bestAtTop = bestTrial(r.trials.filter((t) => !t.refit))!;
      expect(bestAtTop.rung).toBe(2);
      expect(refits[0]!.candidate).toBe(bestAtTop.candidate);
      expect(bestTrial(r.trials)).toBe(refits[0]);
      // Without refit the same search is the same up to the refit.
      const plain = simulate({ ...cfg, refit: false }, seed);
      expect(r.log.slice(0, -1)).toEqual(plain.log);
    }
  });

  it('reserves the refit time under a time limit, and skips the refit when the best is not fully trained', () => {
    const cfg: SchedulerConfig = {
      maxEpochs: 9,
      minEpochs: 1,
      eta: 3,
      trials: null,
      parallel: 2,
      refit: true,
      refitCost: 10,
    };
    for (const seed of [4, 5, 6]) {
      const r = simulate(cfg, seed, { timeEpochs: 60 });
      expect(r.usedEpochs).toBeLessThanOrEqual(60);
      const refit = r.trials.find((t) => t.refit)!;
      expect(refit).toBeDefined();
      expect(bestTrial(r.trials)).toBe(refit);
    }
    // 12 epochs of time cannot hold a 9-epoch top rung and a 10-epoch refit: the search ends without one.
    const short = simulate(cfg, 4, { timeEpochs: 12 });
    expect(short.trials.some((t) => t.refit)).toBe(false);
    expect(short.usedEpochs).toBeLessThanOrEqual(12);
  });

  it("asks the caller's refit time when it gives one", () => {
    const cfg: SchedulerConfig = {
      maxEpochs: 3,
      minEpochs: 1,
      eta: 3,
      trials: null,
      parallel: 1,
      refit: true,
    };
    const done: TrialRecord[] = [
      { candidate: 'a', rung: 0, status: 'done', score: 0.5 },
      { candidate: 'a', rung: 1, status: 'done', score: 0.6 },
    ];
    const asked: string[] = [];
    const ctx = (refitFits: boolean) => ({
      started: 1,
      canSample: true,
      canStart: () => true,
      canStartThenRefit: (e: number) => {
        asked.push(`then ${e}`);
        return false;
      },
      canRefit: () => {
        asked.push('refit');
        return refitFits;
      },
    });
    // Nothing else fits before the refit: the refit itself, when it fits; the end otherwise.
    expect(nextDecision(cfg, done, ctx(true))).toEqual({ kind: 'refit', candidate: 'a', rung: 2, epochs: 3 });
    expect(asked.at(-1)).toBe('refit');
    expect(asked.slice(0, -1).every((a) => a.startsWith('then '))).toBe(true);
    expect(nextDecision(cfg, done, ctx(false))).toEqual({ kind: 'finish', reason: 'complete' });
  });

  it('a failed refit leaves the best of the top rung selected', () => {
    const trials: TrialRecord[] = [
      { candidate: 'a', rung: 0, status: 'done', score: 0.5 },
      { candidate: 'b', rung: 0, status: 'done', score: 0.7 },
      { candidate: 'b', rung: 1, status: 'done', score: 0.8 },
      { candidate: 'b', rung: 2, status: 'failed', score: null, refit: true },
    ];
    expect(bestTrial(trials)).toBe(trials[2]);
    const cfg: SchedulerConfig = { maxEpochs: 3, minEpochs: 1, eta: 3, trials: 5, parallel: 1, refit: true };
    expect(nextDecision(cfg, trials, { started: 2, canSample: true, canStart: () => true })).toEqual({
      kind: 'finish',
      reason: 'complete',
    });
  });

  it('waits while `parallel` trials are active and finishes when nothing can start', () => {
    const cfg: SchedulerConfig = { maxEpochs: 3, minEpochs: 1, eta: 3, trials: 2, parallel: 1 };
    const running: TrialRecord[] = [{ candidate: 'a', rung: 0, status: 'running', score: null }];
    expect(nextDecision(cfg, running, { started: 1, canSample: true, canStart: () => true }).kind).toBe(
      'wait',
    );
    expect(nextDecision(cfg, [], { started: 0, canSample: true, canStart: () => false })).toEqual({
      kind: 'finish',
      reason: 'out_of_time',
    });
  });

  it('computes the Pareto front, cheapest first', () => {
    const pts = [
      { id: 'a', accuracy: 0.9, cost: 10 },
      { id: 'b', accuracy: 0.95, cost: 20 },
      { id: 'c', accuracy: 0.92, cost: 25 },
      { id: 'd', accuracy: 0.97, cost: 30 },
      { id: 'e', accuracy: 0.85, cost: 12 },
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });
});

it('a candidate key ignores the widths of stages a shallower candidate does not use', () => {
  const a = { ...TRUNK_DEFAULTS, depth: 1, widths: [32, 64, 64, 64] };
  const b = { ...TRUNK_DEFAULTS, depth: 1, widths: [32, 64, 16, 8] };
  expect(candidateKey(a)).toBe(candidateKey(b));
});
