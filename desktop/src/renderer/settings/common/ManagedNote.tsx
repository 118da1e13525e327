// Said beside what a member sees but may not change. The server refuses the
// change all the same; this only spares them trying.
export function ManagedNote({ what = 'This' }: { what?: string }) {
  return (
    <p className="managed-note" role="note">
      {what} is managed by admins. Ask an admin of your organisation to change it.
    </p>
  );
}
