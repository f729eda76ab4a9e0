// The lines a view shows when its run stops: cancelled by the user (with "Run again"), or failed.

export function CancelledNote({ detail = '', onRecompute }: { detail?: string; onRecompute(): void }) {
  return (
    <p role="status" data-testid="cancelled">
      Cancelled{detail}.{' '}
      <button type="button" onClick={onRecompute}>
        Run again
      </button>
    </p>
  );
}

export const ErrorNote = ({ message }: { message: string }) => (
  <p role="alert" className="error">
    {message}
  </p>
);
