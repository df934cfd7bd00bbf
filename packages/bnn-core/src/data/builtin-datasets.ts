/**
 * Where the built-in datasets come from, as plain constants (no file access), so the API, the CLI and the loaders
 * agree. Fashion-MNIST is Debian's `dataset-fashion-mnist` package: the official 60,000 training and 10,000 test
 * images as gzip IDX files (`dpkg -L dataset-fashion-mnist`); `$BNN_FASHION_MNIST_DIR` points elsewhere.
 */
export const FASHION_MNIST_ID = 'fashion-mnist';
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_PACKAGE = 'dataset-fashion-mnist';
/** The one command that installs it. */
export const FASHION_MNIST_INSTALL = `sudo apt-get install -y ${FASHION_MNIST_PACKAGE}`;
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
