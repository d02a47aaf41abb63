import { describe, expect, it } from 'vitest';
import { aliyunRpcSignature, aliyunSmsProvider, popEncode, SmsError } from './sms.js';

// Vectors from Alibaba Cloud's signature documentation.
const SEND_SMS_DOC = {
  AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0', TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
};

describe('Alibaba Cloud RPC signature', () => {
  it('reproduces the documented SendSms signature', () => {
    expect(aliyunRpcSignature(SEND_SMS_DOC, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('reproduces the documented DescribeRegions signature', () => {
    const p = { Format: 'XML', AccessKeyId: 'testid', Action: 'DescribeRegions', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion: '1.0', Version: '2014-05-26', Timestamp: '2016-02-23T12:46:24Z' };
    expect(aliyunRpcSignature(p, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('changes when any parameter or the secret changes', () => {
    const base = aliyunRpcSignature(SEND_SMS_DOC, 'testSecret');
    expect(aliyunRpcSignature({ ...SEND_SMS_DOC, PhoneNumbers: '15300000002' }, 'testSecret')).not.toBe(base);
    expect(aliyunRpcSignature(SEND_SMS_DOC, 'testsecret')).not.toBe(base);
  });

  it('encodes the way the gateway expects', () => {
    expect(popEncode('a b*~')).toBe('a%20b%2A~');
    expect(popEncode('/=&+')).toBe('%2F%3D%26%2B');
  });
});

describe('Alibaba Cloud SMS provider', () => {
  const make = (reply: { status: number; body: unknown }, seen: string[]) => aliyunSmsProvider({
    accessKeyId: 'testId', accessKeySecret: 'testSecret', signName: '丰收', templates: { login_code: 'SMS_1' },
    now: () => new Date('2026-11-27T01:02:03.456Z'), nonce: () => 'n-1',
    fetch: (async (url: string) => { seen.push(url); return new Response(JSON.stringify(reply.body), { status: reply.status }); }) as typeof fetch,
  });

  it('sends a signed GET with the template and code, and verifies against our own signer', async () => {
    const seen: string[] = [];
    await make({ status: 200, body: { Code: 'OK', Message: 'OK' } }, seen).send('13800138000', { template: 'login_code', params: { code: '123456' } });
    const url = new URL(seen[0]!);
    expect(url.origin).toBe('https://dysmsapi.aliyuncs.com');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({ Action: 'SendSms', PhoneNumbers: '13800138000', TemplateCode: 'SMS_1', TemplateParam: '{"code":"123456"}', Timestamp: '2026-11-27T01:02:03Z', SignName: '丰收' });
    const { Signature, ...rest } = q;
    expect(Signature).toBe(aliyunRpcSignature(rest, 'testSecret'));
  });

  it('turns a gateway refusal into an SmsError with its code', async () => {
    const p = make({ status: 200, body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发流控' } }, []);
    await expect(p.send('13800138000', { template: 'login_code', params: { code: '1' } })).rejects.toThrow(SmsError);
    await expect(p.send('13800138000', { template: 'login_code', params: { code: '1' } })).rejects.toMatchObject({ providerCode: 'isv.BUSINESS_LIMIT_CONTROL' });
  });
});
