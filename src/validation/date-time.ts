// RFC 3339 §5.6 date-time, in one pass: ajv-formats' full "date-time" splits the string and
// runs two regular expressions plus helpers, which showed up in the strict-mode profile of
// BootNotification/Heartbeat responses. Same rules: valid calendar dates (leap years), hours
// 00–23, minutes 00–59, seconds 00–60 (leap second), optional fraction, Z or ±hh:mm offset.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month]! + (leap ? 1 : 0)) return false;
  if (+m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) return false;
  if (m[7] !== undefined && (+m[8]! > 23 || +m[9]! > 59)) return false;
  return true;
}
