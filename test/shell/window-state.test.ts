import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, loadWindowState, sanitizeWindowState, saveWindowState } from '../../src/main/window-state';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window size and position are remembered', () => {
  it('saves and loads the bounds', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-ws-')), 'window-state.json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    saveWindowState(file, { x: 100, y: 50, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: false });
  });

  it('drops a position that is no longer on any screen, and clamps silly sizes', () => {
    expect(sanitizeWindowState({ x: 5000, y: 5000, width: 800, height: 600 }, screen)).toEqual({ width: 800, height: 600, maximized: false });
    expect(sanitizeWindowState({ width: 10, height: 'big' }, screen)).toEqual({ width: 640, height: DEFAULT_WINDOW_STATE.height, maximized: false });
    expect(sanitizeWindowState('garbage', screen)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('survives a corrupt file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-ws-')), 'window-state.json');
    fs.writeFileSync(file, '{not json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
