import { parseSearchSpace, SEARCH_FAMILY_DEFS } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import type { SearchDetail } from '../lib/studio-api';
import {
  candidateRows,
  chartPoints,
  defaultSpaceText,
  FAMILY_CHOICES,
  presetsOf,
  type SearchForm,
  searchBody,
} from './search-view';

const form: SearchForm = {
  datasetId: 'mnist',
  target: 'stm32l4r9',
  weightsKiB: '16',
  flashKiB: '',
  ramKiB: '128',
  latencyMs: '',
  mode: 'trials',
  amount: '9',
  family: 'mnist-trunk',
  from: '',
  space: '{"depths":[1,2]}',
  trainSamples: '',
};

describe('search form', () => {
  it('builds the request in bytes with trials or minutes', () => {
    const r = searchBody(form);
    expect(r).toEqual({
      ok: true,
      body: {
        datasetId: 'mnist',
        target: 'stm32l4r9',
        budget: { packedBytes: 16384, ramBytes: 131072 },
        trials: 9,
        space: { depths: [1, 2], family: 'mnist-trunk' },
      },
    });
    const m = searchBody({
      ...form,
      mode: 'minutes',
      amount: '2.5',
      trainSamples: '1000',
      from: 'mnist-tiny',
    });
    expect(m.ok && m.body).toMatchObject({
      minutes: 2.5,
      from: 'mnist-tiny',
      limits: { trainSamples: 1000, testSamples: 200 },
    });
  });

  it('says what to correct', () => {
    expect(searchBody({ ...form, weightsKiB: '', ramKiB: '' })).toEqual({
      ok: false,
      error: expect.stringMatching(/at least one limit/),
    });
    expect(searchBody({ ...form, flashKiB: 'lots' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^Flash must be/),
    });
    expect(searchBody({ ...form, amount: '0' })).toEqual({
      ok: false,
      error: expect.stringMatching(/number of candidates/),
    });
    expect(searchBody({ ...form, space: '[1]' })).toEqual({
      ok: false,
      error: expect.stringMatching(/not a JSON object/),
    });
  });
});

describe('family choice', () => {
  it('offers every family with its own default space and presets', () => {
    expect(FAMILY_CHOICES.map((c) => c.id)).toEqual(['mnist-trunk', 'quicknet']);
    expect(presetsOf('mnist-trunk')).toEqual(['mnist-8k', 'mnist-tiny']);
    expect(presetsOf('quicknet')).toEqual(['quicknet-28']);
    const q = JSON.parse(defaultSpaceText('quicknet'));
    expect(q.family).toBeUndefined();
    expect(q).toMatchObject(SEARCH_FAMILY_DEFS.quicknet.spaceDefaults);
    // The text the page shows parses back, in its family, to the same space.
    const back = parseSearchSpace({ ...q, family: 'quicknet' });
    expect(back.ok && back.space.widths).toEqual(SEARCH_FAMILY_DEFS.quicknet.spaceDefaults.widths);
  });

  it('sends the family with the space, and says what to correct when they disagree', () => {
    const q = searchBody({
      ...form,
      family: 'quicknet',
      from: 'quicknet-28',
      space: defaultSpaceText('quicknet'),
    });
    expect(q.ok && q.body).toMatchObject({
      from: 'quicknet-28',
      space: { family: 'quicknet', depths: [1, 2] },
    });
    expect(searchBody({ ...form, space: '{"family":"quicknet"}' })).toEqual({
      ok: false,
      error: expect.stringMatching(/Family field is mnist-trunk/),
    });
    expect(searchBody({ ...form, family: 'quicknet', from: 'mnist-tiny', space: '' })).toEqual({
      ok: false,
      error: expect.stringMatching(/not a preset of the quicknet family: pick one of quicknet-28/),
    });
  });
});

describe('search view', () => {
  const trial = (rung: number, runId: string, status: 'completed' | 'running', acc: number | null) => ({
    rung,
    epochs: rung === 0 ? 1 : 3,
    runId,
    status,
    valAccuracy: acc,
    accuracy: acc,
  });
  const cost = (packedBytes: number, flashBytes: number) => ({
    packedBytes,
    flashBytes,
    ramBytes: 1000,
    latencyMs: 2,
  });
  const s = {
    candidates: [
      {
        id: 'a',
        seq: 0,
        key: 'k/a',
        params: {},
        cost: cost(1000, 20480),
        status: 'accepted',
        reason: null,
        trials: [trial(0, 'r1', 'completed', 0.8), trial(1, 'r3', 'completed', 0.9)],
      },
      {
        id: 'b',
        seq: 1,
        key: 'k/b',
        params: {},
        cost: cost(900, 10240),
        status: 'accepted',
        reason: null,
        trials: [trial(0, 'r2', 'running', null)],
      },
      {
        id: 'c',
        seq: 2,
        key: 'k/c',
        params: {},
        cost: cost(99999, 99999),
        status: 'rejected',
        reason: 'weights 97.7 KiB > 16.0 KiB',
        trials: [],
      },
    ],
    front: [
      {
        candidateId: 'a',
        runId: 'r3',
        rung: 1,
        epochs: 3,
        accuracy: 0.9,
        valAccuracy: 0.9,
        packedBytes: 1000,
        flashBytes: 20480,
        ramBytes: 1000,
        latencyMs: 2,
      },
    ],
    best: {
      candidateId: 'a',
      runId: 'r3',
      rung: 1,
      epochs: 3,
      accuracy: 0.9,
      valAccuracy: 0.9,
      packedBytes: 1000,
      flashBytes: 20480,
      ramBytes: 1000,
      latencyMs: 2,
    },
  } as unknown as SearchDetail;

  it('lists candidates newest first at their highest rung, the best and the front marked', () => {
    const rows = candidateRows(s);
    expect(rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(rows[2]).toMatchObject({ rung: 1, runId: 'r3', accuracy: 0.9, best: true, onFront: true });
    expect(rows[1]).toMatchObject({ rung: 0, runStatus: 'running', best: false });
    expect(rows[0]).toMatchObject({ status: 'rejected', runId: null });
  });

  it("shows a candidate's refit as its row (the best candidate trained again on all the data)", () => {
    const refitted = {
      ...s,
      candidates: s.candidates.map((c) =>
        c.id === 'a'
          ? {
              ...c,
              trials: [...c.trials, { ...trial(2, 'r9', 'completed', 0.95), valAccuracy: null, refit: true }],
            }
          : c,
      ),
    } as unknown as SearchDetail;
    const rows = candidateRows(refitted);
    expect(rows[2]).toMatchObject({ rung: 2, refit: true, runId: 'r9', accuracy: 0.95, valAccuracy: null });
    expect(rows[1]).toMatchObject({ refit: false });
  });

  it('plots finished candidates in KiB of flash with the best', () => {
    const c = chartPoints(s);
    expect(c.all).toEqual([{ candidateId: 'a', runId: 'r3', kib: 20, pct: 90 }]);
    expect(c.best).toEqual({ candidateId: 'a', runId: 'r3', kib: 20, pct: 90 });
    expect(c.front).toHaveLength(1);
  });
});
