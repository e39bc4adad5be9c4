import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.SCREENSHOT_DIR ?? path.resolve(here, '../target/screenshots');
mkdirSync(SHOTS, { recursive: true });

// The stack's operator token (the development default unless the test run sets another).
const OPERATOR_TOKEN = process.env.OPERATOR_TOKEN ?? 'dev-only-operator-token';

const run = Date.now().toString(36).slice(-5) + Math.floor(Math.random() * 1000).toString().padStart(3, '0');

interface Person {
  username: string;
  fullName: string;
  nationalId: string; // typed without dashes: the form inserts them
  pin: string;
}

const amani: Person = { username: `amani_${run}`, fullName: 'Amani Juma', nationalId: '19850312123456789012', pin: '4826' };
const baraka: Person = { username: `baraka_${run}`, fullName: 'Baraka Mwita', nationalId: '19920704234567890123', pin: '5917' };

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

async function signUp(browser: Browser, who: Person, screenshots = false): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${who.username}] page error`, e));
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  if (screenshots) await shot(page, '01-login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup$/);

  await page.getByLabel('Username').fill(who.username);
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Full name').fill(who.fullName);
  const nid = page.getByLabel('National ID (NIDA)');
  await nid.pressSequentially(who.nationalId.slice(0, 10));
  await expect(nid).toHaveValue(`${who.nationalId.slice(0, 8)}-${who.nationalId.slice(8, 10)}`);
  await nid.pressSequentially(who.nationalId.slice(10));
  const dashed = `${who.nationalId.slice(0, 8)}-${who.nationalId.slice(8, 13)}-${who.nationalId.slice(13, 18)}-${who.nationalId.slice(18)}`;
  await expect(nid).toHaveValue(dashed);
  await expect(page.getByText('Valid NIDA number')).toBeVisible();
  if (screenshots) await shot(page, '02-signup-identity');
  await page.getByRole('button', { name: 'Next' }).click();

  // A PIN the policy refuses is explained before anything is sent.
  await page.getByLabel('Choose a 4-digit PIN').fill('1234');
  await expect(page.getByText('PIN must not be a straight sequence of digits.')).toBeVisible();
  await page.getByLabel('Choose a 4-digit PIN').fill(who.pin);
  await page.getByLabel('Repeat the PIN').fill(who.pin);
  if (screenshots) await shot(page, '03-signup-pin');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/rooms\/general$/, { timeout: 30_000 });
  await expect(page.getByTestId('room-name')).toHaveText('general');
  await expect(page.getByTestId('balance')).toContainText('100.00');
  await expect(page.getByTestId('me')).toHaveText(who.username);
  return page;
}

async function say(page: Page, text: string) {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Enter');
}

test('two users chat, pay each other with a PIN, join and leave a room', async ({ browser }) => {
  const a = await signUp(browser, amani, true);
  const b = await signUp(browser, baraka);

  // Presence: each sees the other online in general.
  await expect(a.locator(`[data-member="${baraka.username}"]`)).toHaveAttribute('data-online', 'true');
  await expect(b.locator(`[data-member="${amani.username}"]`)).toHaveAttribute('data-online', 'true');

  // Chat both ways; consecutive lines of one author share one header.
  await say(a, `Habari ${baraka.username}!`);
  await say(a, `Lunch is on me today (${run}).`);
  await expect(b.getByText(`Habari ${baraka.username}!`)).toBeVisible();
  await expect(b.getByText(`Lunch is on me today (${run}).`)).toBeVisible();
  const group = b.locator(`article.msg-group[data-author="${amani.username}"]`).last();
  await expect(group.locator('.msg-text')).toHaveCount(2);
  await say(b, `Asante sana 🙏 ${run}`);
  await expect(a.getByText(`Asante sana 🙏 ${run}`)).toBeVisible();

  // Text is text: markup typed in a message is shown, not run.
  await say(a, `<b>not bold</b><img src=x onerror=alert(1)> ${run}`);
  await expect(b.getByText(`<b>not bold</b><img src=x onerror=alert(1)> ${run}`)).toBeVisible();

  // Command hints while typing "/".
  const composer = a.getByTestId('composer');
  await composer.fill('/');
  await expect(a.getByTestId('command-hints')).toContainText('/send <user> <amount>');
  await expect(a.getByTestId('command-hints')).toContainText('/join <room>');
  await shot(a, '04-command-hints');
  await composer.fill('');

  // /help lists the commands inline.
  await say(a, '/help');
  await expect(a.getByTestId('notice-help').last()).toContainText('/send');

  // A wrong PIN shows its error in the dialog, with the attempts left.
  await say(a, `/send ${baraka.username} 25.50`);
  const dialog = a.getByTestId('transfer-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('25.50');
  await expect(dialog).toContainText(baraka.username);
  await shot(a, '05-pin-dialog');
  await a.getByTestId('pin-input').fill('9152');
  await a.getByTestId('pin-input').press('Enter');
  await expect(a.getByTestId('transfer-error')).toContainText('Wrong PIN. 2 attempts left');
  await shot(a, '06-wrong-pin');

  // The right PIN: both see the receipt and the new balances.
  await a.getByTestId('pin-input').fill(amani.pin);
  await a.getByRole('button', { name: 'Send 25.50' }).click();
  await expect(a.getByTestId('dialog-receipt')).toContainText('74.50');
  await shot(a, '07-receipt-dialog');
  await a.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(a.getByTestId('balance')).toContainText('74.50');
  await expect(a.getByTestId('receipt').last()).toContainText(`You sent 25.50 to ${baraka.username}`);
  await expect(b.getByTestId('balance')).toContainText('125.50');
  await expect(b.getByTestId('receipt').last()).toContainText(`${amani.username} sent you 25.50`);
  await expect(b.locator('.system-transfer').last()).toContainText(`${amani.username} sent money to you`);
  await shot(b, '08-chat-recipient');

  // An operator's deposit shows at once, with the new balance.
  const deposit = await b.request.post('/api/admin/deposits', {
    headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` },
    data: { depositId: `e2e-${run}`, username: baraka.username, amount: '10' },
  });
  expect(deposit.status()).toBe(201);
  await expect(b.getByTestId('receipt').last()).toContainText('10.00 deposited into your wallet');
  await expect(b.getByTestId('balance')).toContainText('135.50');

  // Escape closes the dialog.
  await say(a, `/send ${baraka.username} 1`);
  await expect(dialog).toBeVisible();
  await a.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // An unknown command is an inline notice.
  await say(a, '/dance');
  await expect(a.getByTestId('notice-error').last()).toContainText('dance');

  // /join another room, see who joins, then /leave it.
  const room = `e2e-${run}`;
  await say(b, `/join ${room}`);
  await expect(b).toHaveURL(new RegExp(`/rooms/${room}$`));
  await expect(b.getByTestId('room-name')).toHaveText(room);
  await say(a, `/join ${room}`);
  await expect(a.getByTestId('room-name')).toHaveText(room);
  await expect(b.locator('.system-member_joined').last()).toContainText(`${amani.username} joined the room`);
  await expect(a.locator(`[data-member="${baraka.username}"]`)).toBeVisible();
  await say(a, 'Side room works');
  await expect(b.getByText('Side room works')).toBeVisible();

  // Unread counts: b goes back to general, a writes in the side room.
  await b.locator('button.room-link[data-room="general"]').click();
  await expect(b.getByTestId('room-name')).toHaveText('general');
  await say(a, 'ping from the side room');
  await expect(b.locator(`button.room-link[data-room="${room}"] .unread`)).toHaveText('1');
  await shot(b, '09-unread');
  await shot(a, '10-chat-room');

  await say(a, '/leave');
  await expect(a.getByTestId('room-name')).toHaveText('general');
  await expect(a.locator(`button.room-link[data-room="${room}"]`)).toHaveCount(0);
  await b.locator(`button.room-link[data-room="${room}"]`).click();
  await expect(b.locator('.system-member_left').last()).toContainText(`${amani.username} left the room`);
  await expect(b.locator(`button.room-link[data-room="${room}"] .unread`)).toHaveCount(0);

  // A reload keeps the login (sessionStorage) and the history.
  await a.reload();
  await expect(a.getByTestId('room-name')).toHaveText('general');
  await expect(a.getByText(`Lunch is on me today (${run}).`)).toBeVisible();
  await expect(a.getByTestId('balance')).toContainText('74.50');

  // Phone width: the room list sits behind a button.
  await b.setViewportSize({ width: 390, height: 780 });
  await expect(b.getByTestId('room-list')).toBeHidden();
  await b.getByRole('button', { name: 'Open the room list' }).click();
  await expect(b.getByTestId('room-list')).toBeVisible();
  await b.waitForTimeout(400); // the slide-in transition
  await shot(b, '11-phone-sidebar');
  await b.locator('button.room-link[data-room="general"]').click();
  await expect(b.getByTestId('room-list')).toBeHidden();
  await shot(b, '12-phone-chat');

  // Logging out ends the session; / goes back to the login.
  await a.getByRole('button', { name: 'Log out' }).click();
  await expect(a).toHaveURL(/\/login$/);
  await a.goto('/');
  await expect(a).toHaveURL(/\/login$/);
  // The other user sees the logged-out user go offline.
  await expect(b.locator(`[data-member="${amani.username}"]`)).toHaveAttribute('data-online', 'false', { timeout: 90_000 });
});

test('sign-up shows server field errors on their step and login refuses a wrong PIN', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  // amani_<run> exists from the first test (or is taken now): 409 goes back to the username step.
  const taken = `taken_${run}`;
  const res = await page.request.post('/api/users', {
    data: { username: taken, fullName: 'Chausiku Ali', nationalId: '19900101-12345-67890-12', pin: '4826' },
  });
  expect(res.status()).toBe(201);
  await page.goto('/signup');
  await page.getByLabel('Username').fill(taken);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Full name').fill('Someone Else');
  await page.getByLabel('National ID (NIDA)').pressSequentially('19880202345678901234');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Choose a 4-digit PIN').fill('7391');
  await page.getByLabel('Repeat the PIN').fill('7391');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByText(/That username is taken/)).toBeVisible();
  await shot(page, '13-signup-username-taken');

  // A date of birth that does not exist is flagged while typing.
  await page.getByLabel('Username').fill(`fresh_${run}`);
  await page.getByRole('button', { name: 'Next' }).click();
  const nid = page.getByLabel('National ID (NIDA)');
  await nid.fill('');
  await nid.pressSequentially('19881340');
  await expect(page.getByText('National ID must start with a real date of birth (YYYYMMDD).')).toBeVisible();

  await page.goto('/login');
  await page.getByLabel('Username').fill(taken);
  await page.getByLabel('PIN').fill('9152');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('Username or PIN is wrong.')).toBeVisible();
  await shot(page, '14-login-wrong-pin');
  await page.getByLabel('PIN').fill('4826');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/rooms\/general$/);
  // A logged-in user who opens /login lands in the chat.
  await page.goto('/login');
  await expect(page).toHaveURL(/\/rooms\/general$/);
});
