/**
 * Window size and position, remembered in userData/window-state.json. A saved position that is
 * no longer on any screen (monitor unplugged) is dropped so the window never opens off-screen.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820 };
const MIN_WIDTH = 640;
const MIN_HEIGHT = 480;

export function loadWindowState(file: string, workAreas: Rect[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  return sanitizeWindowState(raw, workAreas);
}

export function sanitizeWindowState(raw: unknown, workAreas: Rect[]): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
  const width = Math.max(MIN_WIDTH, Math.min(num(r.width) ?? DEFAULT_WINDOW_STATE.width, 10_000));
  const height = Math.max(MIN_HEIGHT, Math.min(num(r.height) ?? DEFAULT_WINDOW_STATE.height, 10_000));
  const state: WindowState = { width, height, maximized: r.maximized === true };
  const x = num(r.x);
  const y = num(r.y);
  if (x !== undefined && y !== undefined && workAreas.some((area) => overlaps({ x, y, width, height }, area, 64))) {
    state.x = x;
    state.y = y;
  }
  return state;
}

/** At least `margin` pixels of the title bar area must be visible on that screen. */
function overlaps(win: Rect, area: Rect, margin: number): boolean {
  const left = Math.max(win.x, area.x);
  const right = Math.min(win.x + win.width, area.x + area.width);
  const top = Math.max(win.y, area.y);
  const bottom = Math.min(win.y + margin, area.y + area.height);
  return right - left >= margin && bottom - top > 0;
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, file);
  } catch (err) {
    console.warn('[intake] could not save the window state:', err);
  }
}
