/**
 * The payment provider layer: what the orders module calls to take and return money, and
 * what it gets back from a provider's asynchronous notifications. Amounts are integer fen
 * everywhere; instants are ISO-8601 UTC strings.
 */

/** Which provider took the money (stored with the payment so refunds go back the same way). */
export type ProviderName = 'sandbox' | 'wechat';

/** How the buyer pays with WeChat: inside WeChat (JSAPI, needs the openid) or by scanning a QR code (Native). */
export type PayScene = 'jsapi' | 'native';

/** A request to start paying for one payable (one payment may cover several supplier orders). */
export interface StartPaymentInput {
  /**
   * Our id for this payment, sent to the provider as `out_trade_no`. WeChat allows 6–32
   * characters of `[0-9A-Za-z_-|*]`, unique per merchant; a prefixed UUID is too long, so the
   * orders module uses a payment number (see {@link OUT_TRADE_NO}).
   */
  outTradeNo: string;
  /** What the buyer is charged, in integer fen (> 0). */
  amountFen: number;
  /** Shown to the buyer on the pay page / WeChat bill (WeChat cuts at 127 characters). */
  description: string;
  /** Who pays: our user id (the sandbox page checks it), and the WeChat openid for JSAPI. */
  buyer: { userId: string; openid?: string };
  /** Where the provider posts its asynchronous notifications (absolute https URL for WeChat). */
  notifyUrl: string;
  /** After this instant the provider refuses to take the money. */
  expiresAt: Date;
  /** WeChat only: JSAPI (default when an openid is given) or Native. */
  scene?: PayScene;
}

/** JSAPI parameters for `wx.requestPayment`, signed with the merchant key. */
export interface JsapiPayParams {
  appId: string;
  /** Unix seconds, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=…` */
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** What the client needs to let the buyer pay. */
export type PaymentStart =
  /** Sandbox: open this platform-hosted page. */
  | { kind: 'hosted_page'; provider: ProviderName; outTradeNo: string; paymentId: string; url: string }
  /** WeChat inside WeChat: call `wx.requestPayment(params)`. */
  | { kind: 'jsapi'; provider: ProviderName; outTradeNo: string; prepayId: string; params: JsapiPayParams }
  /** WeChat on another screen: show `codeUrl` as a QR code. */
  | { kind: 'native'; provider: ProviderName; outTradeNo: string; codeUrl: string };

/** Where a payment stands at the provider. */
export type PaymentState = 'pending' | 'paid' | 'closed' | 'refunded' | 'failed';

export interface PaymentStatus {
  outTradeNo: string;
  state: PaymentState;
  /** The provider's transaction id, once paid. */
  transactionId: string | null;
  /** Amount of the payment in fen. */
  amountFen: number;
  /** When the buyer paid (ISO UTC), once paid. */
  paidAt: string | null;
  /** The provider's own state word (e.g. WeChat's NOTPAY, SUCCESS), for logs. */
  raw: string;
}

export interface RefundInput {
  /** Our refund id, sent as `out_refund_no` (WeChat: 1–64 characters of `[0-9A-Za-z_-|*@]`). */
  outRefundNo: string;
  /** The payment being refunded: our out_trade_no and, when known, the provider's transaction id. */
  outTradeNo: string;
  transactionId?: string;
  /** Amount to give back in fen; 0 < refundFen ≤ totalFen. */
  refundFen: number;
  /** The original payment's total in fen. */
  totalFen: number;
  /** Shown to the buyer (WeChat cuts at 80 characters). */
  reason: string;
  /** Where the refund result is posted. */
  notifyUrl: string;
  /** Sandbox only (ignored by WeChat): how the sandbox should behave for this refund. */
  sandbox?: { fail?: boolean; simulate?: SandboxSimulation };
}

/** Sandbox test knobs for a notification: sent twice, sent late, or held until the next event of the same payment. */
export type SandboxSimulation = 'normal' | 'duplicate' | 'late' | 'out_of_order';

export type RefundState = 'processing' | 'succeeded' | 'failed';

export interface RefundStatus {
  outRefundNo: string;
  outTradeNo: string;
  /** The provider's refund id. */
  refundId: string;
  state: RefundState;
  refundFen: number;
  totalFen: number;
  /** When the money went back (ISO UTC), once succeeded. */
  succeededAt: string | null;
  /** The provider's own status word (SUCCESS, PROCESSING, CLOSED, ABNORMAL), for logs. */
  raw: string;
}

/** What a verified notification says happened. */
export type PaymentEvent =
  | {
      kind: 'paid';
      /** The provider's event id; the same event redelivered keeps it. */
      eventId: string;
      provider: ProviderName;
      outTradeNo: string;
      transactionId: string;
      amountFen: number;
      paidAt: string;
      /** True when this event id was already seen: a verified redelivery (a replay); acknowledge it, act at most once. */
      duplicate: boolean;
    }
  | {
      kind: 'refund_succeeded' | 'refund_failed';
      eventId: string;
      provider: ProviderName;
      outTradeNo: string;
      outRefundNo: string;
      refundId: string;
      transactionId: string;
      refundFen: number;
      totalFen: number;
      /** When the refund finished (ISO UTC); for a failure, when it was reported. */
      at: string;
      /** The provider's own status word (SUCCESS, CLOSED, ABNORMAL). */
      raw: string;
      duplicate: boolean;
    };

/** Header names are matched case-insensitively; Node's IncomingHttpHeaders fits. */
export type NotificationHeaders = Record<string, string | string[] | undefined>;

/** The one interface the orders module talks to; one implementation per provider. */
export interface PaymentProvider {
  /** 'sandbox' or 'wechat'; stored with each payment. */
  readonly name: ProviderName;
  /** Starts a payment and returns what the client needs to let the buyer pay. Throws {@link PaymentProviderError}. */
  startPayment(input: StartPaymentInput): Promise<PaymentStart>;
  /**
   * Verifies an asynchronous notification (the raw body exactly as received, and its
   * headers) and parses it. Throws {@link PaymentNotificationError} on a bad signature,
   * a wrong serial, a timestamp outside the 5-minute window, a replayed nonce, a body that
   * cannot be decrypted, or an unknown format. A verified redelivery of an event already
   * seen (fresh nonce, same event id) comes back with `duplicate: true`.
   */
  parseNotification(rawBody: string | Buffer, headers: NotificationHeaders): Promise<PaymentEvent>;
  /** Asks the provider where a payment stands (for reconciliation and late notifications). */
  queryPayment(outTradeNo: string): Promise<PaymentStatus>;
  /** Closes an unpaid payment so the buyer can no longer pay it (order cancelled or expired). */
  closePayment(outTradeNo: string): Promise<void>;
  /** Starts a refund of (part of) a paid payment; the result may come later by notification. */
  startRefund(input: RefundInput): Promise<RefundStatus>;
  /** Asks the provider where a refund stands. */
  queryRefund(outRefundNo: string): Promise<RefundStatus>;
}

/** A notification as it arrives on the wire: what a notify route receives, and what the sandbox delivers. */
export interface RawNotification {
  provider: ProviderName;
  /** The notify URL given when the payment or refund was started. */
  notifyUrl: string;
  rawBody: string;
  headers: Record<string, string>;
}

/**
 * Registered by the orders module: receives each raw notification (it calls
 * `provider.parseNotification` itself, exactly as its HTTP notify route does) and resolves
 * when it has been handled. A rejection makes the sandbox retry, as WeChat does.
 */
export type NotificationSink = (notification: RawNotification) => Promise<void>;

/** The shape WeChat accepts for out_trade_no; the sandbox enforces the same so code written against it works with WeChat. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** The shape WeChat accepts for out_refund_no. */
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export type NotificationErrorCode =
  | 'bad_signature'
  | 'wrong_serial'
  | 'stale_timestamp'
  | 'replayed_nonce'
  | 'decrypt_failed'
  | 'unknown_format'
  | 'missing_headers';

/** A notification was refused; answer the caller with a 4xx and change nothing. */
export class PaymentNotificationError extends Error {
  constructor(readonly code: NotificationErrorCode, message: string) {
    super(message);
    this.name = 'PaymentNotificationError';
  }
}

/** The provider refused a call or could not be reached. `retryable` says whether trying again may help. */
export class PaymentProviderError extends Error {
  constructor(
    /** The provider's own code (WeChat's ORDERPAID, NOTENOUGH, SYSTEM_ERROR…) or ours (invalid_request, unreachable, bad_response_signature). */
    readonly code: string,
    message: string,
    /** HTTP status the provider answered with; 0 when it was not reached. */
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }
}

/** Case-insensitive single header value. */
export function headerValue(headers: NotificationHeaders, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === want) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Checks the amounts and ids every provider needs before calling out. */
export function checkStartInput(input: StartPaymentInput): void {
  if (!OUT_TRADE_NO.test(input.outTradeNo)) throw new PaymentProviderError('invalid_request', 'outTradeNo must be 6–32 characters of [0-9A-Za-z_-|*]', 0, false);
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new PaymentProviderError('invalid_request', 'amountFen must be a positive integer', 0, false);
  if (Number.isNaN(input.expiresAt.getTime())) throw new PaymentProviderError('invalid_request', 'expiresAt is not a valid date', 0, false);
}

export function checkRefundInput(input: RefundInput): void {
  if (!OUT_REFUND_NO.test(input.outRefundNo)) throw new PaymentProviderError('invalid_request', 'outRefundNo must be 1–64 characters of [0-9A-Za-z_-|*@]', 0, false);
  if (!Number.isSafeInteger(input.totalFen) || input.totalFen <= 0) throw new PaymentProviderError('invalid_request', 'totalFen must be a positive integer', 0, false);
  if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0 || input.refundFen > input.totalFen) {
    throw new PaymentProviderError('invalid_request', 'refundFen must be a positive integer no larger than totalFen', 0, false);
  }
}
