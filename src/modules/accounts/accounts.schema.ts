import { Type } from '@sinclair/typebox';
import { ROLES } from '../../platform/http/access.js';
import { PHONE_PATTERN } from '../../platform/mask.js';

export const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'Mainland mobile number, 11 digits starting with 1', examples: ['13800138000'] });
export const Password = Type.String({ minLength: 8, maxLength: 128, description: 'At least 8 characters' });
export const PersonName = Type.String({ minLength: 1, maxLength: 40 });
export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const RoleGrantView = Type.Object({
  id: Type.String(),
  role: RoleName,
  regionPrefix: Type.String(),
  regionName: Type.String(),
  supplierId: Type.Union([Type.String(), Type.Null()]),
});

export const MeView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  roles: Type.Array(Type.Composite([RoleGrantView, Type.Object({ supplierName: Type.Union([Type.String(), Type.Null()]) })])),
});

export const AuthResult = Type.Object({ user: MeView, csrfToken: Type.String() });

export const SessionView = Type.Object({
  id: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  current: Type.Boolean(),
});

export const UserView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  createdAt: Type.String(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleGrantView),
});

export const CenterView = Type.Object({
  id: Type.String(),
  countyCode: Type.String(),
  name: Type.String(),
  regionName: Type.String(),
});

export const IdResult = Type.Object({ id: Type.String() });
