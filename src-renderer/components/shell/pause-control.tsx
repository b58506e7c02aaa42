import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useUploadLimitNow } from '../common/use-upload-limit.ts';
import { PAUSE_LENGTHS, usePauseCommands, usePauseLocked } from './use-pause.ts';

/** The top bar's control: Resume while paused, otherwise a menu of pause lengths. */
export function PauseControl() {
  const { t } = useI18n();
  const paused = useApp((state) => state.paused);
  const { pause, resume } = usePauseCommands();
  const pauseLocked = usePauseLocked();
  const limitNow = useUploadLimitNow();
  const managedId = useId();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // The first item that can act; the menu itself when the policy holds them all, so Escape still closes it.
    const first = menuRef.current?.querySelector<HTMLButtonElement>('button:not(:disabled)');
    (first ?? menuRef.current)?.focus();
    const close = (event: MouseEvent) => {
      if (!menuRef.current?.contains(event.target as Node) && event.target !== buttonRef.current)
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  /** Closes the menu, focus back on its button; then does what the item chose, if anything. */
  const closeMenu = (then?: () => void) => {
    setOpen(false);
    buttonRef.current?.focus();
    then?.();
  };

  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      closeMenu();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  if (paused) {
    return (
      <div className="pause-control">
        <button
          type="button"
          className="btn btn-primary"
          disabled={resume.busy || pauseLocked}
          aria-describedby={pauseLocked ? managedId : undefined}
          onClick={() => resume.run()}
        >
          {t('pause.resume')}
        </button>
        {pauseLocked && (
          <p className="managed-note" id={managedId}>
            {t('policy.managed')}
          </p>
        )}
        <ErrorText>{resume.error}</ErrorText>
      </div>
    );
  }
  return (
    <div className="pause-control">
      <button
        ref={buttonRef}
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen(!open)}
      >
        {t('pause.pause')}
        <span className="chevron" aria-hidden="true" />
      </button>
      {open && (
        <div ref={menuRef} id={menuId} className="menu" role="menu" tabIndex={-1} onKeyDown={onMenuKey}>
          {PAUSE_LENGTHS.map((length) => (
            <button
              key={length}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={pauseLocked}
              aria-describedby={pauseLocked ? `${managedId}-pause` : undefined}
              onClick={() => closeMenu(() => void pause.run(length))}
            >
              {t(`pause.for.${length}`)}
            </button>
          ))}
          {pauseLocked && (
            <p className="menu-note" id={`${managedId}-pause`}>
              {t('policy.managed')}
            </p>
          )}
          <hr className="menu-separator" />
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            disabled={limitNow.locked}
            aria-describedby={limitNow.locked ? `${managedId}-limit` : undefined}
            onClick={() => closeMenu(() => void limitNow.toggle.run())}
          >
            {limitNow.limited ? t('rate.fullSpeed') : t('rate.limitNow')}
          </button>
          {limitNow.locked && (
            <p className="menu-note" id={`${managedId}-limit`}>
              {t('policy.managed')}
            </p>
          )}
        </div>
      )}
      <ErrorText>{pause.error ?? limitNow.toggle.error}</ErrorText>
    </div>
  );
}
