/** HOLIDAYS_FILE and the deadline settings, as start-up reads them: the shipped file by default, a bad file one line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadWorkingCalendar } from '../../src/main/working-calendar.js';
import { SHIPPED_HOLIDAYS_FILE, vn } from './shipped-calendar.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edx-holidays-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HOLIDAYS_FILE', () => {
  it('defaults to the shipped file and the Decree\'s rules', () => {
    const config = loadConfig({});
    expect(config.deadlines).toEqual({
      holidaysFile: undefined,
      rules: { normalWorkingDays: 1, urgentWorkingMinutes: 120, escalationWorkingMinutes: 540 },
      watchDays: 30,
      checkEveryMs: 60_000,
    });
    const loaded = loadWorkingCalendar(config.deadlines.holidaysFile, vn('2025-03-17 09:00'));
    expect(loaded.source).toBe(SHIPPED_HOLIDAYS_FILE);
    expect(loaded.calendar.isWorkingDay('2026-02-16')).toBe(false);
    expect(loaded.warnings).toEqual([]);
    // 2026 still has days the Government had not decided when the file shipped.
    expect(loadWorkingCalendar(undefined, vn('2026-03-16 09:00')).warnings).toEqual([expect.stringMatching(/provisional days in 2026 \(2026-01-10, 2026-09-01\)/)]);
  });

  it('reads the operator\'s own file, and says when it does not cover this year or has provisional days in it', () => {
    const own = path.join(dir, 'own.yaml');
    writeFileSync(own, 'years: [2030]\ndaysOff:\n  - { date: "2030-03-18", name: "Ngày nghỉ riêng", provisional: true }\n');
    const config = loadConfig({ HOLIDAYS_FILE: own, DEADLINE_NORMAL_WORKING_DAYS: '2', DEADLINE_URGENT_WORKING_MINUTES: '60' });
    expect(config.deadlines).toMatchObject({ holidaysFile: own, rules: { normalWorkingDays: 2, urgentWorkingMinutes: 60 } });
    const loaded = loadWorkingCalendar(own, vn('2030-03-11 09:00'));
    expect(loaded.calendar.isWorkingDay('2030-03-18')).toBe(false);
    expect(loaded.warnings).toEqual([expect.stringMatching(/provisional days in 2030 \(2030-03-18\)/)]);
    expect(loadWorkingCalendar(own, vn('2031-01-06 09:00')).warnings).toEqual([expect.stringMatching(/lists no days off for 2031/)]);
  });

  it('stops start-up with one line naming HOLIDAYS_FILE when the file is missing or wrong', () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'daysOff:\n  - { date: "2026-13-01", name: "x" }\n');
    for (const file of [broken, path.join(dir, 'missing.yaml')]) {
      expect(() => loadWorkingCalendar(file)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', details: { variable: 'HOLIDAYS_FILE' } }));
    }
    expect(() => loadWorkingCalendar(broken)).toThrow(/HOLIDAYS_FILE is not usable: .*broken\.yaml: daysOff\.0/);
  });

  it('refuses deadline and UI settings out of range, naming the variable', () => {
    expect(() => loadConfig({ DEADLINE_URGENT_WORKING_MINUTES: '0' })).toThrow(/DEADLINE_URGENT_WORKING_MINUTES/);
    expect(() => loadConfig({ UI_SECURE_COOKIE: 'sometimes' })).toThrow(/UI_SECURE_COOKIE/);
    expect(() => loadConfig({ UI_SESSION_MINUTES: '1' })).toThrow(/UI_SESSION_MINUTES/);
    expect(() => loadConfig({ UI_EVIDENCE_UPLOAD_MAX_BYTES: '1000' })).toThrow(/UI_EVIDENCE_UPLOAD_MAX_BYTES/);
    expect(loadConfig({}).ui).toEqual({ sessionMinutes: 480, secureCookie: 'auto', evidenceUploadMaxBytes: 128 * 1024 ** 2 });
    // The web UI's path is the axis's own.
    expect(() => loadConfig({ VDXP_PATH: '/ui' })).toThrow(/VDXP_PATH must not overlap/);
  });
});
