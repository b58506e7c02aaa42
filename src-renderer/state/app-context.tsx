import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { AppActions, AppState, AppStore } from './app-store.ts';

interface AppContextValue extends AppStore {
  bridge: UploaderBridge;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: { app: AppStore; bridge: UploaderBridge; children: ReactNode }) {
  return <AppContext value={{ ...props.app, bridge: props.bridge }}>{props.children}</AppContext>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('the app store is used outside AppProvider');
  return value;
}

/** A slice of the app's state: the component re-renders only when that slice changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useActions(): AppActions {
  return useAppContext().actions;
}

export function useBridge(): UploaderBridge {
  return useAppContext().bridge;
}
