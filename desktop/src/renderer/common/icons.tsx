// Small line icons drawn inline, so the app needs no icon font or network.
const base = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true } as const;
const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.4, strokeLinecap: 'round' } as const;

export function PlusIcon() {
  return (
    <svg {...base}>
      <path {...stroke} d="M8 3v10M3 8h10" />
    </svg>
  );
}

export function ListIcon() {
  return (
    <svg {...base}>
      <path {...stroke} d="M3 4h10M3 8h10M3 12h10" />
    </svg>
  );
}

export function MoreIcon() {
  return (
    <svg {...base}>
      <circle cx="3.5" cy="8" r="1.2" fill="currentColor" />
      <circle cx="8" cy="8" r="1.2" fill="currentColor" />
      <circle cx="12.5" cy="8" r="1.2" fill="currentColor" />
    </svg>
  );
}

export function KeyIcon() {
  return (
    <svg {...base}>
      <circle {...stroke} cx="5.5" cy="10.5" r="2.8" />
      <path {...stroke} d="M7.5 8.5 13 3M11 5l1.8 1.8M9.5 6.5l1.4 1.4" />
    </svg>
  );
}
