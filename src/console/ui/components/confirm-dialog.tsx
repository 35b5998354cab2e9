import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmRequest {
  /** What is done, for the title and the button: "Retry", "Terminate", "Pause". */
  readonly action: string;
  /** What it is done to, and what it will do. */
  readonly description: string;
  readonly reasonRequired: boolean;
  run(reason: string | undefined): Promise<string>;
}

/**
 * Every intervention asks first: a modal <dialog> (focus moves into it, Escape closes it) with
 * the consequences, a reason (required where the API requires one) and a confirm button.
 */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | undefined; onClose(outcome?: string): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      setReason('');
      setError(undefined);
      element.showModal();
    } else if (!request && element.open) {
      element.close();
    }
  }, [request]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!request) return;
    const trimmed = reason.trim();
    if (request.reasonRequired && !trimmed) {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    try {
      onClose(await request.run(trimmed || undefined));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onClose={() => request && onClose()}>
      {request && (
        <form method="dialog" onSubmit={submit}>
          <h2 id="confirm-title">{request.action}?</h2>
          <p>{request.description}</p>
          <label for="confirm-reason">Reason{request.reasonRequired ? ' (required)' : ' (optional)'}</label>
          <textarea id="confirm-reason" rows={3} value={reason} aria-required={request.reasonRequired} onInput={(e) => setReason(e.currentTarget.value)} />
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="dialog-buttons">
            <button type="button" onClick={() => onClose()} disabled={busy}>
              Close
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Confirm {request.action.toLowerCase()}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
