'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/composer', label: 'Composer' },
  { href: '/datasets', label: 'Datasets' },
  { href: '/train', label: 'Train' },
  { href: '/experiments', label: 'Experiments' },
  { href: '/autosize', label: 'Auto-size' },
  { href: '/playground', label: 'Playground' },
  { href: '/projects', label: 'Projects' },
];

export function NavBar() {
  const path = usePathname();
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        BNN Studio
      </Link>
      <nav aria-label="Main">
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={path?.startsWith(l.href) ? 'page' : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
