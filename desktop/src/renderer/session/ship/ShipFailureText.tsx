// An action's failure, as an alert: the server's sentence and what to do next.
import type { ShipFailure } from './ship-errors.js';

export function ShipFailureText({ failure }: { failure: ShipFailure }) {
  return (
    <div className="ship-failure" role="alert">
      <p>{failure.message}</p>
      {failure.next && (
        <p className="ship-next">
          {failure.next.text}
          {failure.next.href && (
            <>
              {' '}
              <a href={failure.next.href}>Settings → Secrets</a>
            </>
          )}
        </p>
      )}
    </div>
  );
}
