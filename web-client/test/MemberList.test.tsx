import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { emptyRoom, type RoomState } from '../src/chat/store';
import { MemberList, memberCountText } from '../src/components/MemberList';

function room(patch: Partial<RoomState>): RoomState {
  return { ...emptyRoom('general'), loaded: true, ...patch };
}

const render = (r: RoomState) => renderToStaticMarkup(<MemberList room={r} me="amani" onClose={() => {}} />);

describe('member list', () => {
  it('shows a large room by its member count, without anyone online or offline', () => {
    const html = render(room({ large: true, memberCount: 4000 }));
    expect(html).toContain('4,000 members');
    expect(html).toContain('Who is online is not shown in rooms this large.');
    expect(html).not.toContain('data-member');
    expect(html).not.toMatch(/Online —|Offline —/);
  });

  it('lists a small room\'s members online and offline, with the attributes the e2e tests look for', () => {
    const html = render(room({ members: { amani: false, baraka: true, chausiku: false }, memberCount: 3 }));
    expect(html).toContain('Online — 2');
    expect(html).toContain('Offline — 1');
    expect(html).toMatch(/class="member online" data-member="baraka" data-online="true"/);
    expect(html).toMatch(/class="member" data-member="chausiku" data-online="false"/);
    // this user is online while looking at the list
    expect(html).toMatch(/data-member="amani" data-online="true"/);
    expect(html).not.toContain('not shown in rooms this large');
  });

  it('words the count', () => {
    expect(memberCountText(1)).toBe('1 member');
    expect(memberCountText(251)).toBe('251 members');
    expect(memberCountText(1234567)).toBe('1,234,567 members');
  });
});
