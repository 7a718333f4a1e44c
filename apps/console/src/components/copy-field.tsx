import { useId, useRef, useState } from 'react';

/**
 * A value to copy (a URL, a key shown once): a read-only field, so it can be selected by hand
 * too, and a Copy button. The clipboard needs a secure context (https, or localhost); elsewhere
 * the button selects the text for Ctrl+C.
 */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('Copied.');
    } catch {
      input.current?.select();
      setStatus('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  }

  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy} aria-describedby={id}>
          Copy
        </button>
      </div>
      {hint && <p className="hint">{hint}</p>}
      <p className="hint" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
