import type { RoomState } from '../chat/store';
import { Avatar } from './Avatar';
import { Icon } from './Icon';

/** 4000 → "4,000": the same grouping as amounts, whatever the browser's locale. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 member", "4,000 members". */
export function memberCountText(n: number): string {
  return `${groupDigits(n)} ${n === 1 ? 'member' : 'members'}`;
}

export function MemberList({ room, me, onClose }: { room: RoomState | undefined; me: string; onClose: () => void }) {
  // This user is online by definition while looking at the list (presence is not sent to oneself).
  const members = room ? Object.entries(room.members).map(([name, on]) => [name, on || name === me] as const) : [];
  const online = members.filter(([, on]) => on).map(([name]) => name).sort();
  const offline = members.filter(([, on]) => !on).map(([name]) => name).sort();
  const row = (name: string, on: boolean) => (
    <li key={name} className={`member${on ? ' online' : ''}`} data-member={name} data-online={on}>
      <span className="member-avatar">
        <Avatar name={name} small />
        <span className={`presence-dot${on ? ' on' : ''}`} aria-hidden="true" />
      </span>
      <span className="member-name">
        {name}
        {name === me && <span className="you"> (you)</span>}
      </span>
      <span className="sr-only">{on ? 'online' : 'offline'}</span>
    </li>
  );
  const top = (
    <div className="members-top">
      <span>Members</span>
      <button className="icon-btn close-members" aria-label="Close the member list" onClick={onClose}>
        <Icon name="close" />
      </button>
    </div>
  );
  if (room?.large) {
    // The server sends neither the members of a room this large nor their presence: the count is all there is.
    return (
      <aside className="members" aria-label="Members" data-testid="members" data-large="true">
        {top}
        <h3 className="members-heading" data-testid="member-count">
          {memberCountText(room.memberCount)}
        </h3>
        <p className="members-note">Who is online is not shown in rooms this large.</p>
      </aside>
    );
  }
  return (
    <aside className="members" aria-label="Members" data-testid="members">
      {top}
      {online.length > 0 && <h3 className="members-heading">Online — {online.length}</h3>}
      <ul>{online.map((n) => row(n, true))}</ul>
      {offline.length > 0 && <h3 className="members-heading">Offline — {offline.length}</h3>}
      <ul>{offline.map((n) => row(n, false))}</ul>
    </aside>
  );
}
