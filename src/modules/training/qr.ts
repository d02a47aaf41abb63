import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long one attendance code is shown before the next replaces it. */
export const QR_SLOT_SECONDS = 30;

export const slotAt = (ms: number = Date.now()) => Math.floor(ms / 1000 / QR_SLOT_SECONDS);

/** Short tag of the meeting inside a code, so a code of another meeting is told apart from a forged one. */
const tagOf = (meetingId: string) => meetingId.replace(/[^a-zA-Z0-9]/g, '').slice(-8);

function sign(secret: string, meetingId: string, slot: number): string {
  return createHmac('sha256', secret).update(`${meetingId}:${slot}`).digest('base64url').slice(0, 22);
}

/**
 * The attendance code of a meeting for one 30-second slot: `<meeting tag>.<slot>.<HMAC>`.
 * The HMAC key is the meeting's own secret, which never leaves the server, so a code cannot
 * be made up, and it names its slot, so a photo of it stops working a minute later at most.
 */
export function attendanceCode(meetingId: string, secret: string, slot: number = slotAt()): string {
  return `${tagOf(meetingId)}.${slot}.${sign(secret, meetingId, slot)}`;
}

export type CodeCheck = 'ok' | 'malformed' | 'other_meeting' | 'forged' | 'expired' | 'future';

/** Accepts a code of this meeting for the current slot or the one before (a scan at the turn of a slot). */
export function checkAttendanceCode(meetingId: string, secret: string, code: string, now: number = Date.now()): CodeCheck {
  const m = /^([a-zA-Z0-9]{1,8})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(code.trim());
  if (!m) return 'malformed';
  const [, tag, slotText, sig] = m as unknown as [string, string, string, string];
  if (tag !== tagOf(meetingId)) return 'other_meeting';
  const slot = Number(slotText);
  const expected = Buffer.from(sign(secret, meetingId, slot));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return 'forged';
  const current = slotAt(now);
  if (slot > current) return 'future';
  if (slot < current - 1) return 'expired';
  return 'ok';
}
