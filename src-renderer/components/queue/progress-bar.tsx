/** A labelled bar: screen readers get the percent from aria-valuenow, everyone else from the text. */
export function ProgressBar(props: {
  percent: number;
  label: string;
  tone?: 'active' | 'done' | 'problem' | 'idle';
}) {
  return (
    <div className="progress">
      <div
        className={`progress-track progress-${props.tone ?? 'active'}`}
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={props.percent}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${props.percent / 100})` }} />
      </div>
      <span className="progress-text" aria-hidden="true">
        {props.percent}%
      </span>
    </div>
  );
}
