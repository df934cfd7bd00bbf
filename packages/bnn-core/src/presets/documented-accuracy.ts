/**
 * Test accuracy each preset reached here, measured by the training benchmark on the built-in MNIST split.
 * Only measured numbers go here; a preset without an entry has not been measured yet.
 */
export const DOCUMENTED_ACCURACY: Record<
  string,
  { accuracy: number; dataset: string; epochs: number; measuredAt: string }
> = {};
