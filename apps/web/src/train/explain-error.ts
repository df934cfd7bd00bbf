/**
 * Turns the raw text of a TensorFlow.js failure into a sentence a studio user can act on, with a fix. Messages
 * the studio wrote itself (they carry a fix already) pass through unchanged.
 */
export interface Explained {
  message: string;
  fix?: string;
}

const SOFTMAX_SHAPES = /softmaxCrossEntropy: Shapes (\d+),(\d+) and (\d+),(\d+) must match/i;
const OOM = /\b(out of memory|OOM|Failed to allocate|allocation failed)\b/i;
const WEBGL_LOST = /\bcontext (was )?lost\b/i;

export function explainTrainingError(e: { message: string; fix?: string }): Explained {
  const m = e.message;
  const shapes = SOFTMAX_SHAPES.exec(m);
  if (shapes) {
    // tfjs names (labels, logits) or (logits, labels); the label side is the dataset's class count.
    const a = Number(shapes[2]);
    const b = Number(shapes[4]);
    return {
      message: `Training stopped: the model's output and the dataset's labels have different widths (${a} and ${b}), so the loss cannot be computed.`,
      fix: 'Set the units of the last Dense/QuantDense layer to the dataset’s class count (the train form offers this in one click).',
    };
  }
  if (e.fix) return e;
  if (OOM.test(m))
    return {
      message: 'Training ran out of memory in this browser.',
      fix: 'Lower the batch size or the training samples, or train on the server.',
    };
  if (WEBGL_LOST.test(m))
    return {
      message: 'The browser lost its WebGL context while training (the GPU was reset or busy).',
      fix: 'Choose the WebAssembly backend, or train on the server.',
    };
  return e;
}
