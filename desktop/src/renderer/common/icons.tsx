// Small line icons drawn inline, so the app needs no icon font or network.
const base = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true } as const;
const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.4, strokeLinecap: 'round' } as const;
/** For the section headers' small buttons. */
const small = { ...base, width: 14, height: 14 } as const;
const thin = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.3 } as const;

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

export function GearIcon() {
  return (
    <svg {...base}>
      <circle {...stroke} cx="8" cy="8" r="2.2" />
      <path
        {...stroke}
        d="M8 1.8v1.6M8 12.6v1.6M14.2 8h-1.6M3.4 8H1.8M12.4 3.6l-1.1 1.1M4.7 11.3l-1.1 1.1M12.4 12.4l-1.1-1.1M4.7 4.7 3.6 3.6"
      />
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

export function SparkleIcon() {
  return (
    <svg {...base}>
      <path
        fill="currentColor"
        d="M8 0l1.6 4.4L14 6 9.6 7.6 8 12 6.4 7.6 2 6l4.4-1.6L8 0Zm5 10 .7 1.8 1.8.7-1.8.7L13 15l-.7-1.8-1.8-.7 1.8-.7L13 10Z"
      />
    </svg>
  );
}

export function PaperclipIcon() {
  return (
    <svg {...base}>
      <path
        {...stroke}
        d="M13.5 7.5 8 13a3.5 3.5 0 0 1-5-5l6-6a2.3 2.3 0 0 1 3.3 3.3l-6 6a1.1 1.1 0 0 1-1.6-1.6L10 4.5"
      />
    </svg>
  );
}

export function FolderPlusIcon() {
  return (
    <svg {...small}>
      <path {...thin} d="M1.5 4.5v8h13v-7H7.5l-1.5-1.5h-4.5zM8 7.5v4M6 9.5h4" />
    </svg>
  );
}

export function FilterIcon() {
  return (
    <svg {...small}>
      <path {...thin} d="M2 3h12M4.5 8h7M7 13h2" />
    </svg>
  );
}

export function CollapseIcon() {
  return (
    <svg {...small}>
      <path {...thin} d="M4 2.5l4 3.5 4-3.5M4 9.5l4 3.5 4-3.5" />
    </svg>
  );
}

/** Beside a link that opens outside the app (a pull request on its forge). */
export function ExternalLinkIcon() {
  return (
    <svg {...small}>
      <path {...thin} d="M9 2.5h4.5V7M13.5 2.5L7.5 8.5M11.5 9.5v3.5h-9v-9H6" />
    </svg>
  );
}
