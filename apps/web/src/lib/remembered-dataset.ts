/** The dataset last chosen or uploaded in this tab: the composer's class check and the train form share it. */
const DATASET_KEY = 'bnn-studio:dataset';

export function rememberedDataset(): string | null {
  try {
    return sessionStorage.getItem(DATASET_KEY);
  } catch {
    return null;
  }
}

export function rememberDataset(id: string): void {
  try {
    sessionStorage.setItem(DATASET_KEY, id);
  } catch {
    // storage disabled: nothing to remember
  }
}
