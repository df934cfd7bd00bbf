import Link from 'next/link';
import { ApiStatus } from '../components/ApiStatus';

const STEPS = [
  {
    href: '/composer',
    title: '1. Compose',
    text: 'Drag binarized layers onto the canvas. Shapes, bit-widths, packed bytes and MACs update as you edit.',
  },
  {
    href: '/train',
    title: '2. Train',
    text: 'Train in your browser (TensorFlow.js in a Web Worker) or queue a job on the server, with live curves.',
  },
  {
    href: '/experiments',
    title: '3. Compare',
    text: 'Accuracy against packed size, the Pareto frontier and your device budget. Compare runs side by side.',
  },
  {
    href: '/playground',
    title: '4. Export and try',
    text: 'One click to a .bnn, an LCE .tflite or a firmware bundle for STM32L4 or xcore.ai. Run it right here.',
  },
];

export default function HomePage() {
  return (
    <div className="page home">
      <h1>BNN Studio</h1>
      <p className="lead">
        Build binarized neural networks for microcontrollers without writing Keras: weights and activations
        are ±1, multiplies become XNOR and additions popcount.
      </p>
      <ApiStatus />
      <ul className="cards">
        {STEPS.map((s) => (
          <li key={s.href} className="card">
            <h2>
              <Link href={s.href}>{s.title}</Link>
            </h2>
            <p>{s.text}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
