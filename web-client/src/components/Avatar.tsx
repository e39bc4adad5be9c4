const PALETTE = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#1abc9c', '#e67e22', '#9b59b6'];

export function colorOf(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** A round initial; its colour comes from a class, not an inline style (CSP-friendly). */
export function Avatar({ name, small }: { name: string; small?: boolean }) {
  const index = PALETTE.indexOf(colorOf(name));
  return (
    <span className={`avatar avatar-c${index}${small ? ' avatar-small' : ''}`} aria-hidden="true">
      {(name[0] ?? '?').toUpperCase()}
    </span>
  );
}
