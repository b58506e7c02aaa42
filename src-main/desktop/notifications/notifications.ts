import { Notification } from 'electron';
import type { ShellStrings } from '../shell-strings.ts';
import type { Notice } from './notices.ts';
import { NotificationLimiter } from './notification-limiter.ts';

/** Shows a notice as an OS notification, at most one of each kind a minute; a click opens the window. */
export function createNotifier(
  strings: () => ShellStrings,
  icon: string,
  onClick: () => void,
): (notice: Notice) => void {
  const limiter = new NotificationLimiter();
  return (notice) => {
    if (!Notification.isSupported() || !limiter.allow(notice.kind, Date.now())) return;
    const notification = new Notification({ ...strings().notice(notice), icon });
    notification.on('click', onClick);
    notification.show();
  };
}
