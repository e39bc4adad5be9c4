import type { RoomState } from '../chat/store';
import { displayAmount } from '../money';
import { Avatar } from './Avatar';
import { Icon } from './Icon';

interface SidebarProps {
  me: string;
  balance: string | null;
  rooms: RoomState[];
  activeRoom: string | null;
  onSelect: (id: string) => void;
  onJoin: () => void;
  onLogOut: () => void;
  onClose: () => void;
}

export function Sidebar({ me, balance, rooms, activeRoom, onSelect, onJoin, onLogOut, onClose }: SidebarProps) {
  return (
    <nav className="sidebar" aria-label="Rooms">
      <div className="sidebar-top">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⬢
          </span>
          ChatterBox
        </div>
        <button className="icon-btn close-sidebar" aria-label="Close the room list" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <div className="sidebar-section">
        <span>Rooms</span>
        <button className="icon-btn small" aria-label="Join a room" title="Join a room" onClick={onJoin}>
          <Icon name="plus" size={16} />
        </button>
      </div>
      <ul className="room-list" data-testid="room-list">
        {rooms.map((room) => (
          <li key={room.id}>
            <button
              className={`room-link${room.id === activeRoom ? ' active' : ''}${room.unread ? ' has-unread' : ''}`}
              aria-current={room.id === activeRoom ? 'page' : undefined}
              onClick={() => onSelect(room.id)}
              data-room={room.id}
            >
              <span className="hash" aria-hidden="true">
                #
              </span>
              <span className="room-link-name">{room.id}</span>
              {room.unread > 0 && (
                <span className="unread" aria-label={`${room.unread} unread`}>
                  {room.unread > 99 ? '99+' : room.unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="me">
        <Avatar name={me} />
        <div className="me-text">
          <div className="me-name" data-testid="me">
            {me}
          </div>
          <div className="me-balance">{displayAmount(balance)}</div>
        </div>
        <button className="btn btn-small btn-ghost" onClick={onLogOut}>
          Log out
        </button>
      </div>
    </nav>
  );
}
