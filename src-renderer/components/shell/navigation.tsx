import { createContext, useContext } from 'react';

export const TABS = ['queue', 'destinations', 'folders', 'history', 'settings'] as const;
export type Tab = (typeof TABS)[number];

export const NavigationContext = createContext<(tab: Tab) => void>(() => {});

/** Lets a card send the operator to the screen where a thing is set (e.g. the remote folder). */
export function useNavigate(): (tab: Tab) => void {
  return useContext(NavigationContext);
}
