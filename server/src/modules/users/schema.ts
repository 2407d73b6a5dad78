import { type Static, Type } from "typebox";
import { ROLES } from "../../../../shared/roles.js";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PHONE_PATTERN,
  USERNAME_PATTERN,
} from "../../../../shared/validation.js";

export const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: "角色" },
);

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  unitId: Type.String(),
  unitName: Type.String(),
  roles: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  phone: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  locale: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String()),
});
export type UserView = Static<typeof UserView>;

const Username = Type.String({ minLength: 2, maxLength: 64, pattern: USERNAME_PATTERN });
const Phone = Type.String({ pattern: PHONE_PATTERN });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    unitId: Type.String({ minLength: 1, maxLength: 64 }),
    roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
    phone: Type.Optional(Phone),
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true })),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
    locale: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en-US")])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const PasswordBody = Type.Object(
  { password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }) },
  { additionalProperties: false },
);

export const PreferencesBody = Type.Object(
  { locale: Type.Union([Type.Literal("zh-CN"), Type.Literal("en-US")]) },
  { additionalProperties: false },
);
