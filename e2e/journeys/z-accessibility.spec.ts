import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '../fixtures/studio.js';

// Accessibility: an axe-core scan of every page reports no serious or critical violations. Named z- so it runs
// after the other journeys and also scans a run page and a comparison of real runs.
const PAGES = [
  '/',
  '/composer',
  '/train',
  '/experiments',
  '/playground',
  '/experiments/compare',
  '/datasets',
  '/datasets/view?id=mnist',
  '/projects',
];

test('axe finds no serious or critical violations on any page', async ({ page, api }, testInfo) => {
  // A run page too, with a real run to show.
  const runs = (await (await api.get('/api/runs?pageSize=2')).json()).runs as Array<{ id: string }>;
  const pages = [...PAGES];
  if (runs[0]) pages.push(`/experiments/run?id=${runs[0].id}`);
  if (runs.length >= 2) pages.push(`/experiments/compare?ids=${runs[0]!.id},${runs[1]!.id}`);
  const report: Record<string, unknown[]> = {};
  for (const path of pages) {
    await page.goto(path);
    await page.getByRole('main').waitFor();
    await page.waitForTimeout(800); // client data and charts settle
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    report[path] = bad.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target).slice(0, 5),
    }));
    await page.screenshot({
      path: testInfo.outputPath(`axe${path.replace(/[/?=&,]/g, '_')}.png`),
      fullPage: true,
    });
  }
  await testInfo.attach('axe-report.json', {
    body: JSON.stringify(report, null, 2),
    contentType: 'application/json',
  });
  expect(report).toEqual(Object.fromEntries(pages.map((p) => [p, []])));
});
