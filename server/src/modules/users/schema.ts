import { type Static, Type } from "typebox";
import { ROLES } from "../../../../shared/roles.js";
import { MIN_PASSWORD_LENGTH } from "../auth/password.js";

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

const Username = Type.String({ minLength: 2, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" });
const Phone = Type.String({ pattern: "^[0-9+\\- ]{5,20}$" });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    unitId: Type.String({ minLength: 1, maxLength: 64 }),
    roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
    phone: Type.Optional(Phone),
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 }),
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
  { password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 }) },
  { additionalProperties: false },
);

export const PreferencesBody = Type.Object(
  { locale: Type.Union([Type.Literal("zh-CN"), Type.Literal("en-US")]) },
  { additionalProperties: false },
);
