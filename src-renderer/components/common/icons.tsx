import type { DestinationKind } from '../../../src-shared/settings.ts';

/** Drawn inline: the CSP allows no remote images, and inline SVG inherits the theme's colours. */
export function DestinationIcon(props: { kind: DestinationKind }) {
  return (
    <svg className="icon icon-destination" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {props.kind === 'storage-api' && (
        <>
          <rect x="3" y="4" width="18" height="6" rx="1.5" />
          <rect x="3" y="14" width="18" height="6" rx="1.5" />
          <circle cx="7" cy="7" r="0.9" className="fill" />
          <circle cx="7" cy="17" r="0.9" className="fill" />
        </>
      )}
      {props.kind === 'onedrive' && (
        <path d="M7 18h10.5a3.5 3.5 0 0 0 .4-7 5.5 5.5 0 0 0-10.4-1.6A4.3 4.3 0 0 0 7 18z" />
      )}
      {props.kind === 'gdrive' && (
        <path d="M8.5 4h7l5.5 9.5-3.5 6h-11L3 13.5zM8.5 4l5.5 9.5H21M6.5 19.5l5.5-9.5" />
      )}
    </svg>
  );
}

export function FolderIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2h8.5A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" />
    </svg>
  );
}

export function AppMark() {
  return (
    <svg className="app-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="28" height="28" rx="8" className="app-mark-bg" />
      <path d="M16 23V10m0 0-5 5m5-5 5 5" className="app-mark-arrow" />
    </svg>
  );
}
