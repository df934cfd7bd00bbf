import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { NavBar } from '../components/NavBar';
import './globals.css';

export const metadata: Metadata = {
  title: 'BNN Studio',
  description: 'Compose, train, track and export binarized neural networks for microcontrollers.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <NavBar />
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
