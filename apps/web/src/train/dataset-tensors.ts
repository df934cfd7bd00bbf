/** URLs of the API's dataset tensors (BNNT bodies, read with bnn-core's readTensorsBody). */
/** URL of an uploaded dataset's tensors, with the sample limits of a browser run. */
export function tensorsUrl(
  datasetId: string,
  limits: { maxTrainSamples: number; maxTestSamples: number },
): string {
  const q = new URLSearchParams();
  if (limits.maxTrainSamples > 0) q.set('maxTrainSamples', String(limits.maxTrainSamples));
  if (limits.maxTestSamples > 0) q.set('maxTestSamples', String(limits.maxTestSamples));
  const qs = q.toString();
  return `/api/datasets/${encodeURIComponent(datasetId)}/tensors${qs ? `?${qs}` : ''}`;
}
