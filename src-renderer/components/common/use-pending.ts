import { useEffect } from 'react';

/**
 * Tells the screen around a form whether it holds something typed and not yet saved (the first
 * run keeps Next back until it is), and that it holds nothing once the form is gone.
 */
export function usePending(pending: boolean, onPendingChange?: (pending: boolean) => void): void {
  useEffect(() => {
    onPendingChange?.(pending);
  }, [pending, onPendingChange]);
  useEffect(() => () => onPendingChange?.(false), [onPendingChange]);
}
