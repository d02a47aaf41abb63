/** 13812345678 -> 138****5678 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Bank account: keep the last four digits only. */
export function maskAccount(account: string): string {
  if (account.length <= 4) return '*'.repeat(account.length);
  return `${'*'.repeat(Math.min(account.length - 4, 12))}${account.slice(-4)}`;
}

/** ID card number 220622199001011234 -> 220***********1234: enough to tell two people apart, not to use. */
export function maskIdNumber(id: string): string {
  return id.length <= 7 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

/** 张三丰 -> 张** (for order tickers and public lists) */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Masks every mainland mobile number inside a piece of text (URLs in logs). */
export function maskPhonesIn(text: string): string {
  return text.replace(/(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g, '$1****$3');
}

/** A URL as logs may show it: phone numbers masked, secrets in the query string (?token=, ?sign=, ?key=) replaced. */
export function redactUrl(url: string): string {
  return maskPhonesIn(url).replace(/([?&](?:token|sign|key|stream_key|secret)=)[^&#]*/gi, '$1[redacted]');
}

export const PHONE_PATTERN = '^1[3-9][0-9]{9}$';
