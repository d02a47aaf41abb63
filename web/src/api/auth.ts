import { api } from './client';
import type { AuthResult } from './types';

export const authApi = {
  me: () => api.get<AuthResult>('/auth/me'),
  login: (phone: string, password: string) => api.post<AuthResult>('/auth/login', { phone, password }),
  signup: (input: { phone: string; password: string; name: string }) => api.post<AuthResult>('/auth/signup', input),
  sendSmsCode: (phone: string) => api.post<{ expiresInSeconds: number }>('/auth/sms/send', { phone }),
  smsLogin: (phone: string, code: string) => api.post<AuthResult>('/auth/sms/login', { phone, code }),
  logout: () => api.post<{ ok: true }>('/auth/logout'),
};
