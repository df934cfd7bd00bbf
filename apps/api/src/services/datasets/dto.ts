import type { Dataset } from '../../generated/sqlite/client.js';

export function datasetDto(d: Dataset) {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    builtin: d.kind === 'builtin',
    status: d.status,
    bytes: d.bytes,
    samples: d.samples,
    numClasses: d.numClasses,
    shape: JSON.parse(d.shapeJson) as number[],
    labels: JSON.parse(d.labelsJson) as string[],
    options: JSON.parse(d.optionsJson) as Record<string, unknown>,
    createdAt: d.createdAt,
  };
}
