import type { FastifyBaseLogger } from 'fastify';

/** Sends a text message to a mainland mobile number. Real adapters talk to an SMS gateway. */
export interface SmsProvider {
  readonly name: string;
  send(phone: string, text: string): Promise<void>;
}

/**
 * Development provider: writes the message to the log instead of sending it, and keeps the
 * last few in memory so a developer (or a test) can read the code it would have sent.
 */
export function devSmsProvider(log: FastifyBaseLogger): SmsProvider & { outbox: { phone: string; text: string; at: string }[] } {
  const outbox: { phone: string; text: string; at: string }[] = [];
  return {
    name: 'dev-log',
    outbox,
    async send(phone, text) {
      outbox.push({ phone, text, at: new Date().toISOString() });
      if (outbox.length > 100) outbox.shift();
      log.info({ sms: { phone, text } }, 'SMS (development provider, not sent)');
    },
  };
}
