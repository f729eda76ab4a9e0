// The page's URL holds every setting: one button copies it, to share a view with a class.
import { useState } from 'react';

export function CopyLink() {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    navigator.clipboard.writeText(window.location.href).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  return (
    <span className="copy-link">
      <button type="button" onClick={() => void copy()}>
        Copy link to this view
      </button>{' '}
      <span aria-live="polite" className="muted">
        {copied === 'copied'
          ? 'Link copied.'
          : copied === 'failed'
            ? 'Copying was refused: use the address bar.'
            : ''}
      </span>
    </span>
  );
}
