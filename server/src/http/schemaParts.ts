import { type TSchema, Type } from "typebox";

/** A value or null, for response fields that may be empty (one helper for every module's schema). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A reference shown by name: `{ id, name }`. */
export const Named = Type.Object({ id: Type.String(), name: Type.String() });
