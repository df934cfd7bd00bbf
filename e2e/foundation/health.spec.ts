import { expect, test } from '../fixtures/studio.js';

test('the studio home page loads', async ({ page }, testInfo) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/BNN Studio/);
  await expect(page.getByRole('main')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('home.png'), fullPage: true });
});

test('the API health endpoint reports the database as reachable', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(body.database).toMatchObject({ ok: true, provider: 'sqlite' });
});

test('every API route but health requires the access token', async ({ request, api }) => {
  const anonymous = await request.get('/api/runs', { headers: { cookie: '' } });
  expect(anonymous.status()).toBe(401);
  const authorised = await api.get('/api/runs');
  expect(authorised.status()).toBe(200);
});
