// A webhook's address and secret, shown once (after it is made or its secret
// replaced), with copy buttons and a curl line that works as written: the
// server takes the secret as a bearer token and the body as JSON.
import { useEffect, useId, useRef, useState } from 'react';

export interface WebhookSecretProps {
  name: string;
  url: string;
  secret: string;
  /** A payload that passes the trigger's filter, for the example. */
  sample: unknown;
  onDone: () => void;
}

/** A shell word in single quotes, safe whatever it holds. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function curlExample(url: string, secret: string, sample: unknown): string {
  return [
    `curl -X POST ${quoted(url)}`,
    `  -H ${quoted(`Authorization: Bearer ${secret}`)}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${quoted(JSON.stringify(sample))}`,
  ].join(' \\\n');
}

export function WebhookSecret({ name, url, secret, sample, onDone }: WebhookSecretProps) {
  const curl = curlExample(url, secret, sample);
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  // Brought into view and focused: this is the one chance to copy the secret.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, []);
  return (
    <section className="webhook-secret" aria-labelledby={headingId} role="region">
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        Webhook “{name}” is ready
      </h3>
      <p className="webhook-secret-warning">
        Copy the secret now: it is shown only this once. If it is lost, replace it with a new one.
      </p>
      <CopyRow label="Webhook URL" text={url} />
      <CopyRow label="Secret" text={secret} />
      <CopyRow label="Try it with curl" text={curl} block />
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function CopyRow({ label, text, block = false }: { label: string; text: string; block?: boolean }) {
  const [said, setSaid] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied.');
    } catch {
      setSaid('The clipboard is not available; select the text and copy it.');
    }
  };
  return (
    <div className="copy-row">
      <div className="copy-row-head">
        <span className="copy-row-label">{label}</span>
        <button
          type="button"
          className="secondary small"
          aria-label={`Copy: ${label}`}
          onClick={() => void copy()}
        >
          Copy
        </button>
        {said && (
          <span className="muted" role="status">
            {said}
          </span>
        )}
      </div>
      {block ? (
        <pre className="copy-row-text" aria-label={label}>
          {text}
        </pre>
      ) : (
        <code className="copy-row-text" aria-label={label}>
          {text}
        </code>
      )}
    </div>
  );
}

/** A payload that passes the filter (or a small example when there is none). */
export function samplePayload(filter: { path: string; equals: unknown } | null): unknown {
  if (!filter) return { event: 'test' };
  const keys = filter.path.split('.');
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), filter.equals);
}
