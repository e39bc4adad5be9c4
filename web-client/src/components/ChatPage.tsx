import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api, type Session } from '../api';
import { ChatStore } from '../chat/store';
import { GatewayClient } from '../gateway/client';
import { Icon } from './Icon';
import { displayAmount } from '../money';
import { navigate } from '../router';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { groupDigits, MemberList } from './MemberList';
import { Sidebar } from './Sidebar';
import { Timeline } from './Timeline';
import { TransferDialog } from './TransferDialog';

function gatewayUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/gateway`;
}

interface ChatPageProps {
  session: Session;
  routeRoom: string;
  onLogOut: () => void;
  onSessionEnded: (message: string) => void;
}

export function ChatPage({ session, routeRoom, onLogOut, onSessionEnded }: ChatPageProps) {
  const [{ gateway, store }] = useState(() => {
    const gateway = new GatewayClient({ url: gatewayUrl(), token: () => session.token });
    const store = new ChatStore({ gateway, api, token: () => session.token, me: session.username, initialRoom: routeRoom });
    return { gateway, store };
  });
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [membersOpen, setMembersOpen] = useState(false);
  const [draft, setDraft] = useState<{ text: string; version: number }>({ text: '', version: 0 });

  useEffect(() => {
    store.start();
    // Back online, or back in a tab whose timers were throttled: don't wait out the backoff.
    const online = () => gateway.reconnectNow('the browser is back online');
    const visible = () => {
      if (document.visibilityState === 'visible' && gateway.state === 'reconnecting') gateway.reconnectNow('the tab is visible again');
    };
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visible);
    return () => {
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visible);
      store.stop();
    };
  }, [store, gateway]);

  useEffect(() => {
    if (!state.sessionEnded) return;
    const { code } = state.sessionEnded;
    onSessionEnded(code === 4012 ? 'You were logged out. Log in again.' : 'Your session has ended. Log in again.');
  }, [state.sessionEnded, onSessionEnded]);

  // The URL follows the active room, and the back button moves between rooms.
  useEffect(() => {
    if (state.activeRoom && state.activeRoom !== routeRoom) navigate(`/rooms/${encodeURIComponent(state.activeRoom)}`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.activeRoom]);
  useEffect(() => {
    if (routeRoom !== store.getState().activeRoom && store.getState().rooms[routeRoom]) store.selectRoom(routeRoom);
  }, [routeRoom, store]);

  const room = state.activeRoom ? state.rooms[state.activeRoom] : undefined;
  const onlineCount = useMemo(() => (room ? Object.values(room.members).filter(Boolean).length : 0), [room]);
  // Nobody's presence is sent for a large room: an online count there would always read 0.
  const membersLabel = room?.large ? `Members (${groupDigits(room.memberCount)})` : `Members (${onlineCount} online)`;

  useEffect(() => {
    document.title = room ? `#${room.id} · ChatterBox` : 'ChatterBox';
  }, [room]);

  function selectRoom(id: string) {
    store.selectRoom(id);
    setSidebarOpen(false);
  }

  return (
    <div className={`chat${sidebarOpen ? ' sidebar-open' : ''}${membersOpen ? ' members-open' : ''}`}>
      <Sidebar
        me={state.me}
        balance={state.balance}
        rooms={state.roomOrder.map((id) => state.rooms[id]).filter(Boolean)}
        activeRoom={state.activeRoom}
        onSelect={selectRoom}
        onJoin={() => {
          setDraft((d) => ({ text: '/join ', version: d.version + 1 }));
          setSidebarOpen(false);
        }}
        onLogOut={onLogOut}
        onClose={() => setSidebarOpen(false)}
      />
      {sidebarOpen && <div className="scrim" onClick={() => setSidebarOpen(false)} aria-hidden="true" />}
      <section className="main" aria-label="Conversation">
        <header className="room-header">
          <button
            className="icon-btn menu-btn"
            aria-label="Open the room list"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen(true)}
          >
            <Icon name="menu" size={20} />
          </button>
          <h2 className="room-title">
            <span className="hash" aria-hidden="true">
              #
            </span>
            <span data-testid="room-name">{room?.id ?? '…'}</span>
          </h2>
          <div className="header-spacer" />
          <div className="balance-chip" title="Your balance" data-testid="balance">
            <span className="balance-label">Balance</span> <strong>{displayAmount(state.balance)}</strong>
          </div>
          <button
            className="icon-btn members-btn"
            aria-label={membersLabel}
            aria-expanded={membersOpen}
            onClick={() => setMembersOpen((o) => !o)}
          >
            <Icon name="users" /> <span className="members-count">{room ? groupDigits(room.memberCount) : 0}</span>
          </button>
        </header>
        <ConnectionBanner state={state.connection} info={state.connectionInfo} started={state.started} onRetry={() => gateway.reconnectNow()} />
        {room ? (
          <Timeline key={room.id} room={room} me={state.me} onLoadOlder={() => void store.loadOlder(room.id)} />
        ) : (
          <div className="timeline-empty">{state.started ? 'You are in no room. Type /join <room> to join one.' : 'Connecting…'}</div>
        )}
        <Composer
          room={room?.id ?? null}
          members={room ? Object.keys(room.members) : []}
          disabled={!room}
          draft={draft}
          onSend={(text) => store.sendLine(text)}
        />
      </section>
      <MemberList room={room} me={state.me} onClose={() => setMembersOpen(false)} />
      {state.transfer && (
        <TransferDialog
          transfer={state.transfer}
          balance={state.balance}
          onConfirm={(pin) => store.confirmTransfer(pin)}
          onClose={() => store.closeTransfer()}
        />
      )}
    </div>
  );
}
