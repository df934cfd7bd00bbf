import { expect, test } from '../fixtures/studio.js';
import { openPresetForTraining } from './helpers.js';

// Journey (p, issue #20): distil a preset from its float twin in the page. MNIST tiny trains once alone, then once
// with "Float twin of this model" as teacher: the page trains the float twin first (its own run), then the student
// with the teacher running beside it in the worker. The live view names the teacher and its accuracy; the run page
// links the teacher and shows the accuracy with and without distillation (the run trained alone, same recipe and
// seed) and the gain. Small settings (1 epoch, 300 samples) keep it fast; the gain itself is measured by the bench.
test('distil a preset from its float twin in the browser and see both accuracies', async ({
  page,
  api,
}, testInfo) => {
  test.setTimeout(420_000);
  await openPresetForTraining(page, /^Open MNIST tiny/, 'MNIST tiny');
  const small = async () => {
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByLabel('Training samples (browser, 0 = all)').fill('300');
  };
  const trainedRun = async () => {
    await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 180_000 });
    const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
    return new URL(href!, 'http://x').searchParams.get('id')!;
  };

  // 1. Alone (no teacher).
  await small();
  await page.getByRole('button', { name: 'Train in browser' }).click();
  const aloneId = await trainedRun();

  // 2. Distilled from the float twin, trained first in the page.
  await small();
  await page.getByLabel('Distillation teacher').selectOption('float-twin');
  await page.getByLabel('Teacher epochs').fill('1');
  await page.getByRole('button', { name: 'Train in browser' }).click();
  await expect(page.getByTestId('training-teacher')).toContainText('float twin');
  const studentId = await trainedRun();
  expect(studentId).not.toBe(aloneId);
  await expect(page.getByTestId('training-teacher')).toContainText(/test accuracy \d+\.\d\d%/);
  await expect(page.getByTestId('training-log')).toContainText(
    'Training the float twin first as the teacher',
  );
  await expect(page.getByTestId('training-log')).toContainText('the teacher runs beside the student');
  await page.screenshot({ path: testInfo.outputPath('p-distilled.png'), fullPage: true });

  const student = (await (await api.get(`/api/runs/${studentId}`)).json()).run;
  expect(student).toMatchObject({ status: 'completed', location: 'browser', hasWeights: true });
  const d = student.distillation;
  expect(d.teacher).toMatchObject({
    floatTwin: true,
    status: 'completed',
    finalAccuracy: expect.any(Number),
  });
  expect(d.withoutDistillation).toMatchObject({ runId: aloneId, finalAccuracy: expect.any(Number) });
  testInfo.annotations.push({
    type: 'accuracies (1 epoch, 300 samples): teacher / distilled / alone',
    description: `${d.teacher.finalAccuracy} / ${student.finalAccuracy} / ${d.withoutDistillation.finalAccuracy}`,
  });

  // 3. The run page links the teacher and shows both accuracies and the gain.
  await page.goto(`/experiments/run?id=${encodeURIComponent(studentId)}`);
  const section = page.getByTestId('run-distillation');
  await expect(section).toBeVisible();
  await expect(section.getByTestId('teacher-accuracy')).toHaveText(
    `${(d.teacher.finalAccuracy * 100).toFixed(2)}%`,
  );
  await expect(section.getByTestId('distilled-accuracy')).toHaveText(
    `${(student.finalAccuracy * 100).toFixed(2)}%`,
  );
  await expect(section.getByTestId('undistilled-accuracy')).toContainText(
    `${(d.withoutDistillation.finalAccuracy * 100).toFixed(2)}%`,
  );
  await expect(section.getByTestId('distillation-gain')).toHaveText(/^[+-]\d+\.\d\d points$/);
  await page.screenshot({ path: testInfo.outputPath('p-run-page.png'), fullPage: true });
  await section.getByTestId('teacher-run').getByRole('link').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('float twin');
});
