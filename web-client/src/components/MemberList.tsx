import type { RoomState } from '../chat/store';
import { Avatar } from './Avatar';
import { Icon } from './Icon';

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
  return (
    <aside className="members" aria-label="Members" data-testid="members">
      <div className="members-top">
        <span>Members</span>
        <button className="icon-btn close-members" aria-label="Close the member list" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {online.length > 0 && <h3 className="members-heading">Online — {online.length}</h3>}
      <ul>{online.map((n) => row(n, true))}</ul>
      {offline.length > 0 && <h3 className="members-heading">Offline — {offline.length}</h3>}
      <ul>{offline.map((n) => row(n, false))}</ul>
    </aside>
  );
}
