// Steps a person takes in the app, shared by the journeys.
import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import type { TestUser } from './api.js';
import { ROOT } from './stack.js';

export async function signIn(page: Page, server: string, user: { email: string; password: string }) {
  await page.goto(server);
  await page.getByLabel('Server address').fill(server);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The sidebar is there (on a phone it is a closed drawer, so it is not looked at).
  await expect(page.locator('aside.sidebar')).toBeAttached();
  await expect(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeHidden();
}

export function sidebar(page: Page) {
  return page.getByRole('complementary', { name: 'Sidebar' });
}

/** The list on the Sessions page (not the sidebar's lists, whose names also contain "Sessions"). */
export function sessionsPage(page: Page) {
  return page.getByRole('list', { name: 'Sessions', exact: true });
}

export function pinnedList(page: Page) {
  return sidebar(page).getByRole('list', { name: 'Pinned sessions', exact: true });
}

/** Opens a session's three-dot menu in the given part of the page and picks an item. */
export async function chooseFromRowMenu(page: Page, scope: Locator, title: string, item: string) {
  const row = scope.getByRole('listitem').filter({ hasText: title }).first();
  await row.hover();
  await row.getByRole('button', { name: `More actions for ${title}` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/** Drags with small pointer steps, as dnd-kit needs movement to start a drag. */
export async function drag(page: Page, from: Locator, to: Locator, where: 'top' | 'center' = 'center') {
  // Hovering waits until the row has stopped moving (rows animate after a drop).
  await from.hover();
  await to.hover();
  const a = await from.boundingBox();
  if (!a) throw new Error('Cannot drag: the dragged element is not visible.');
  await page.mouse.move(a.x + a.width / 3, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 3, a.y + a.height / 2 + 8, { steps: 4 });
  const b = await to.boundingBox();
  if (!b) throw new Error('Cannot drag: the drop target is not visible.');
  const y = where === 'top' ? b.y + 3 : b.y + b.height / 2;
  await page.mouse.move(b.x + b.width / 3, y, { steps: 12 });
  await page.waitForTimeout(100);
  await page.mouse.up();
  // Let the drop settle before the next step reads positions.
  await page.waitForTimeout(300);
}

/** Keeps a screenshot under e2e/artifacts/screenshots/ for people to look at. */
export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ROOT, 'e2e', 'artifacts', 'screenshots', `${name}.png`) });
}

export type { TestUser };
