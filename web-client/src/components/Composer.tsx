import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { completeWith, hintsFor, type Hint } from '../commands';
import { Icon } from './Icon';

const MAX_LENGTH = 2000;

interface ComposerProps {
  room: string | null;
  members: string[];
  disabled: boolean;
  /** Text to put in the composer (e.g. "/join "); a new version replaces the text. */
  draft: { text: string; version: number };
  onSend: (text: string) => boolean;
}

interface Option {
  id: string;
  label: string;
  detail: string;
  /** The composer text when picked. */
  completion: string;
}

/** The options of the popup: command names while the name is typed, room members for /send's user. */
function optionsFor(text: string, hints: Hint[], members: string[]): Option[] {
  if (hints.length === 0) return [];
  const first = hints[0];
  if (first.activeArg === -1 && !/\s/.test(text)) {
    return hints.map((h) => ({ id: h.command.name, label: h.command.usage, detail: h.command.description, completion: completeWith(h.command) }));
  }
  if (first.command.name === '/send' && first.activeArg === 0) {
    const typed = text.split(/\s+/)[1]?.toLowerCase() ?? '';
    return members
      .filter((m) => m.startsWith(typed) && m !== typed)
      .slice(0, 8)
      .map((m) => ({ id: `user-${m}`, label: m, detail: 'member of this room', completion: `/send ${m} ` }));
  }
  return [];
}

export function Composer({ room, members, disabled, draft, onSend }: ComposerProps) {
  const [text, setText] = useState('');
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [focused, setFocused] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();

  useEffect(() => {
    if (draft.version === 0) return;
    setText(draft.text);
    setDismissed(false);
    ref.current?.focus();
  }, [draft]);

  // Ready to type in a room just entered (not on touch screens, where it would pop the keyboard up).
  useEffect(() => {
    if (!window.matchMedia?.('(pointer: coarse)').matches) ref.current?.focus();
  }, [room]);

  // Grow with the text, up to a limit (CSS caps the height).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  const hints = useMemo(() => hintsFor(text), [text]);
  const options = useMemo(() => optionsFor(text, hints, members), [text, hints, members]);
  const showPopup = focused && !dismissed && hints.length > 0;
  const active = options.length ? Math.min(highlight, options.length - 1) : -1;

  function change(value: string) {
    setText(value);
    setHighlight(0);
    setDismissed(false);
  }

  function pick(option: Option) {
    setText(option.completion);
    setHighlight(0);
    ref.current?.focus();
  }

  function send() {
    if (!text.trim() || disabled) return;
    if (onSend(text)) {
      setText('');
      setDismissed(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.nativeEvent.isComposing) return;
    if (showPopup && options.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setHighlight((active + step + options.length) % options.length);
        return;
      }
      if (e.key === 'Tab' && !e.shiftKey) {
        e.preventDefault();
        pick(options[active]);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        const option = options[active];
        // A complete command without arguments ("/help", "/leave") is sent; otherwise Enter completes.
        if (option.completion !== text) {
          e.preventDefault();
          pick(option);
          return;
        }
      }
    }
    if (e.key === 'Escape' && showPopup) {
      e.preventDefault();
      setDismissed(true);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  }

  const hint = hints[0];
  return (
    <div className="composer">
      {showPopup && (
        <div className="hints" data-testid="command-hints">
          {options.length > 0 ? (
            <ul id={listId} role="listbox" aria-label="Commands">
              {options.map((o, i) => (
                <li
                  key={o.id}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'active' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(o);
                  }}
                >
                  <code>{o.label}</code>
                  <span className="hint-detail">{o.detail}</span>
                </li>
              ))}
            </ul>
          ) : (
            hint && (
              <div className="hint-usage">
                <code>
                  {hint.command.name}
                  {hint.command.args.map((arg, i) => (
                    <span key={arg} className={i === hint.activeArg ? 'arg active' : 'arg'}>
                      {' '}
                      &lt;{arg}&gt;
                    </span>
                  ))}
                </code>
                <span className="hint-detail">{hint.command.description}</span>
                {hint.problem && <div className="hint-problem">{hint.problem}</div>}
              </div>
            )
          )}
          <div className="hint-keys">
            <kbd>Tab</kbd> complete · <kbd>Enter</kbd> send · <kbd>Esc</kbd> close
          </div>
        </div>
      )}
      <div className="composer-box">
        <textarea
          ref={ref}
          value={text}
          rows={1}
          maxLength={MAX_LENGTH}
          disabled={disabled}
          placeholder={room ? `Message #${room} — type / for commands` : 'Join a room to chat'}
          aria-label={room ? `Message #${room}` : 'Message'}
          aria-autocomplete="list"
          aria-expanded={showPopup && options.length > 0}
          aria-controls={showPopup && options.length > 0 ? listId : undefined}
          aria-activedescendant={showPopup && active >= 0 ? `${listId}-${active}` : undefined}
          role="combobox"
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          data-testid="composer"
        />
        <button className="btn btn-primary send-btn" onClick={send} disabled={disabled || !text.trim()} aria-label="Send">
          <Icon name="send" />
        </button>
      </div>
      <div className="composer-foot">
        <span>
          <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
        </span>
        {text.length > MAX_LENGTH - 200 && <span className="count">{MAX_LENGTH - text.length} left</span>}
      </div>
    </div>
  );
}
