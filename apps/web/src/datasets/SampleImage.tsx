'use client';
import { useEffect, useRef } from 'react';

/** Draws one 8-bit HWC sample (grey or RGB) on a canvas, scaled up without smoothing. */
export function SampleImage({ pixels, shape, label }: { pixels: string; shape: number[]; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = [shape[0] ?? 1, shape[1] ?? 1, shape[2] ?? 1];
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const bytes = Uint8Array.from(atob(pixels), (ch) => ch.charCodeAt(0));
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      const r = bytes[i * c] ?? 0;
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = c >= 3 ? (bytes[i * c + 1] ?? 0) : r;
      img.data[i * 4 + 2] = c >= 3 ? (bytes[i * c + 2] ?? 0) : r;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, w, h, c]);
  return <canvas ref={ref} width={w} height={h} className="sample-image" role="img" aria-label={label} />;
}
