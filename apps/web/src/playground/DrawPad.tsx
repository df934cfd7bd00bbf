'use client';
import { useEffect, useRef } from 'react';
import { type Gray, rgbaToGray } from './preprocess';

const SIZE = 280;

/** A 280×280 drawing surface (white ink on black, like MNIST). Calls onChange with the grayscale after a stroke. */
export function DrawPad({ onChange, clearSignal }: { onChange(g: Gray): void; clearSignal: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: clearSignal is the trigger
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
  }, [clearSignal]);

  const pos = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * SIZE) / r.width, y: ((e.clientY - r.top) * SIZE) / r.height };
  };
  const line = (to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const from = last.current ?? to;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };
  const emit = () => {
    const ctx = ref.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    onChange(rgbaToGray(ctx.getImageData(0, 0, SIZE, SIZE).data, SIZE, SIZE));
  };
  return (
    <canvas
      ref={ref}
      width={SIZE}
      height={SIZE}
      className="drawpad"
      data-testid="drawpad"
      aria-label="Drawing area: draw a digit with the mouse, a pen or a finger"
      role="img"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drawing.current = true;
        last.current = null;
        line(pos(e));
      }}
      onPointerMove={(e) => {
        if (drawing.current) line(pos(e));
      }}
      onPointerUp={() => {
        drawing.current = false;
        last.current = null;
        emit();
      }}
      onPointerCancel={() => {
        drawing.current = false;
      }}
    />
  );
}
