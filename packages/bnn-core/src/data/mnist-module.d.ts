declare module 'mnist' {
  interface MnistDigit {
    id: number;
    /** 28·28 floats in [0, 1] per sample, samples one after another. */
    raw: number[];
    length: number;
  }
  const mnist: MnistDigit[];
  export default mnist;
}
