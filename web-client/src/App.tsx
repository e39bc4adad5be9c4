import { useCallback, useEffect, useState } from 'react';
import { api, sessionStore, type Session } from './api';
import { ChatPage } from './components/ChatPage';
import { LoginPage } from './components/LoginPage';
import { SignUpPage } from './components/SignUpPage';
import { navigate, roomOfPath, usePath } from './router';

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null>(() => sessionStore.load());
  const [flash, setFlash] = useState<string | null>(null);

  const loggedIn = useCallback((s: Session) => {
    sessionStore.save(s);
    setSession(s);
    setFlash(null);
    navigate('/rooms/general');
  }, []);

  const loggedOut = useCallback((message: string | null) => {
    sessionStore.clear();
    setSession(null);
    setFlash(message);
    navigate('/login', { replace: true });
  }, []);

  const logOut = useCallback(
    async (s: Session) => {
      try {
        await api.logOut(s.token);
      } catch {
        // the token is dropped here either way
      }
      loggedOut('You have logged out.');
    },
    [loggedOut],
  );

  const room = roomOfPath(path);
  const publicPage = path === '/login' || path === '/signup';

  // Routing rules: logged out → /login (or /signup); logged in → a room.
  useEffect(() => {
    if (!session && !publicPage) navigate('/login', { replace: true });
    else if (session && (publicPage || !room)) navigate('/rooms/general', { replace: true });
  }, [session, publicPage, room]);

  if (!session) {
    if (path === '/signup') return <SignUpPage onLoggedIn={loggedIn} />;
    return <LoginPage onLoggedIn={loggedIn} flash={flash} />;
  }
  if (!room) return null;
  return (
    <ChatPage
      key={session.token}
      session={session}
      routeRoom={room}
      onLogOut={() => logOut(session)}
      onSessionEnded={(why) => loggedOut(why)}
    />
  );
}
