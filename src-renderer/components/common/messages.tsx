import type { ReactNode } from 'react';

/** A refusal or failure, read out by screen readers as it appears. */
export function ErrorText(props: { children: ReactNode; id?: string }) {
  if (props.children === null || props.children === undefined || props.children === '') return null;
  return (
    <p className="error-text" role="alert" id={props.id}>
      {props.children}
    </p>
  );
}

export function Notice(props: { tone: 'info' | 'warning' | 'success'; children: ReactNode; id?: string }) {
  return (
    <div className={`notice notice-${props.tone}`} id={props.id}>
      {props.children}
    </div>
  );
}

/** Decorative: the text beside it says what is going on. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
