/** What the resources routes share: the typed Fastify instance, the page envelope, file replies. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export type Query = Record<string, unknown>;

export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();
export type R = ReturnType<typeof typed>;

export function sendFile(reply: FastifyReply, body: Buffer, type: string, name: string) {
  reply
    .header("content-type", type)
    .header(
      "content-disposition",
      `attachment; filename="export"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .send(body);
  return reply;
}
