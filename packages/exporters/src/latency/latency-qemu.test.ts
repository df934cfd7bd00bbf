/**
 * The latency model against exact QEMU instruction counts (the STM32L4 bundle's emulator build, the TCG
 * instruction-count plugin): within ±10 % for every preset (issue #15). Two bundles at a time; each preset is
 * one build + one emulated inference. The bench prints the same for the presets and 20 random architectures.
 */
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { presetCases } from '../stm32/preset-cases.js';
import { estimateLatency } from './estimate.js';
import { countGraphInstructions } from './measure.js';

const limit = limiter(2);
const TIMEOUT = 600_000;

describe.concurrent('latency estimate vs QEMU instruction count, every preset (±10 %)', () => {
  for (const preset of presetCases()) {
    it(
      `preset ${preset.id}`,
      async () => {
        const deploy = preset.deploy();
        const counted = await limit(() => countGraphInstructions(deploy));
        const est = estimateLatency(deploy, 'stm32l4r9');
        const err = (est.instructions - counted.total) / counted.total;
        const layers = est.ops
          .map((o, i) => `${o.op} ${o.sourceNode}: est ${o.instructions} / counted ${counted.layers[i]}`)
          .join('\n');
        expect(
          Math.abs(err),
          `${preset.id}: estimate ${est.instructions}, QEMU ${counted.total}\n${layers}`,
        ).toBeLessThanOrEqual(0.1);
        // issue #15: the visual-wake-words-class preset runs in ≤ 20 M instructions (~200 ms at 120 MHz)
        if (preset.id === 'vww-quicknet') expect(counted.total).toBeLessThanOrEqual(20_000_000);
      },
      TIMEOUT,
    );
  }
});
