/**
 * The assessment report (总结评估报告, 000 §4.9; 002 §5.6 处置情况专题报告) as one document model,
 * rendered to DOCX (docx) and to PDF (pdfkit, Chinese font embedded). Contents (issue 7 §6): event
 * summary, timeline, every reporting deadline with met/late and minutes, response levels and
 * decisions, groups, tasks, resources used, casualties and losses, lessons (editable), and an
 * incident briefing in the ICS-201 shape.
 */
import fs from "node:fs";
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { beijingChinese } from "../../../../shared/beijingTime.js";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import { CHECKIN_KIND_LABELS } from "./labels.js";
import type { WorkspaceView } from "./schema.js";
import { type Briefing, briefing, type SituationData } from "./situation.js";
import { statusLabel } from "./tasks.js";

export type Block =
  | { kind: "title"; text: string }
  | { kind: "subtitle"; text: string }
  | { kind: "h1"; text: string }
  | { kind: "h2"; text: string }
  | { kind: "p"; text: string }
  | { kind: "table"; headers: string[]; widths: number[]; rows: string[][] };

const t = (iso: string | null | undefined) => (iso ? beijingChinese(iso) : "—");

/** The document model of the assessment report, from the workspace and the situation data. */
export function assessmentBlocks(
  profile: PlanProfile,
  w: WorkspaceView,
  s: SituationData,
  asOf: Date,
): Block[] {
  const i = w.incident;
  const r = w.response;
  const post = w.post;
  const blocks: Block[] = [];
  const reportName = w.assessments[0]?.name ?? "总结评估报告";
  blocks.push({ kind: "title", text: `${i.title}${reportName}` });
  blocks.push({
    kind: "subtitle",
    text: `${i.number}　${profile.meta.name}　生成于 ${beijingChinese(asOf)}`,
  });

  blocks.push({ kind: "h1", text: "一、事件概况" });
  blocks.push({
    kind: "table",
    headers: ["项目", "内容"],
    widths: [22, 78],
    rows: [
      ["事件名称", i.title],
      ["事件编号", i.number],
      ["事件类别", `${i.categoryName}·${i.subtypeName}`],
      ["事件等级", i.gradeName],
      ["发生时间", t(i.occurredAt)],
      ["接报时间", t(i.receivedAt)],
      ["事发地点", i.place],
      ["信息来源", s.sourceLabel],
      ["基本情况", s.description || "—"],
      ["原因分析", r?.causes || "（待主责部门填写）"],
    ],
  });

  blocks.push({ kind: "h1", text: "二、处置过程（时间线）" });
  blocks.push({
    kind: "table",
    headers: ["时间", "经过", "记录人"],
    widths: [24, 60, 16],
    rows: w.timeline.map((e) => [t(e.at), e.summary, e.actorName ?? "系统"]),
  });

  blocks.push({ kind: "h1", text: "三、信息报送时效评估" });
  const late = w.timeliness.filter((x) => x.verdict === "late" || x.verdict === "missed").length;
  blocks.push({
    kind: "p",
    text: `共 ${w.timeliness.length} 项报送时限，按时 ${w.timeliness.filter((x) => x.verdict === "on_time").length} 项，迟报或超时未报 ${late} 项（依据 ${profile.reporting.deadlines[0]?.source ?? "预案"}）。`,
  });
  blocks.push({
    kind: "table",
    headers: ["序号", "报送时限", "应报时间", "实际报送时间", "结果", "分钟"],
    widths: [7, 31, 19, 19, 12, 12],
    rows: w.timeliness.map((x, n) => [
      String(n + 1),
      x.name,
      t(x.dueAt),
      t(x.metAt),
      x.verdictLabel,
      x.minutes === null ? "—" : x.verdict === "on_time" ? `提前 ${x.minutes}` : `${x.minutes}`,
    ]),
  });

  blocks.push({ kind: "h1", text: "四、应急响应与决策" });
  blocks.push({
    kind: "table",
    headers: ["时间", "事项", "响应级别", "事件等级", "理由", "决定人"],
    widths: [18, 10, 20, 10, 28, 14],
    rows: w.levelChanges.map((c) => [
      t(c.at),
      { activate: "启动", upgrade: "升级", downgrade: "降级" }[c.kind] ?? c.kind,
      c.fromName ? `${c.fromName} → ${c.toName}` : c.toName,
      c.gradeName,
      c.reason ?? (c.justified ? "与事件等级相符" : "—"),
      c.byName ?? "—",
    ]),
  });
  if (w.decisions.length > 0) {
    blocks.push({ kind: "h2", text: "区应急委决策" });
    blocks.push({
      kind: "table",
      headers: ["时间", "决策事项", "内容", "提出", "批准"],
      widths: [18, 24, 30, 12, 16],
      rows: w.decisions.map((d) => [
        t(d.decidedAt),
        d.decisionText,
        d.content,
        d.proposedBy ?? (d.trigger === "leader" ? "主要领导" : "—"),
        `${d.approvedByName}（${d.approvedAs}）`,
      ]),
    });
  }
  if (r) {
    blocks.push({
      kind: "p",
      text: r.endedAt
        ? `应急结束：${t(r.endedAt)}，由${r.endedByName ?? ""}宣布${r.endApprovedByName ? `，${r.endApprovedByName}批准` : ""}。${r.endSummary ?? ""}`
        : `应急响应仍在进行（${r.levelName}，自 ${t(r.activatedAt)} 起）。`,
    });
  }

  blocks.push({ kind: "h1", text: "五、现场指挥部与工作组" });
  if (post) {
    blocks.push({
      kind: "p",
      text: `${post.name}，设于${post.address}，${t(post.createdAt)}设立${post.closedAt ? `，${t(post.closedAt)}撤销` : ""}。${post.roles
        .map((x) => `${x.name}：${x.holderName}`)
        .join("；")}。`,
    });
    blocks.push({
      kind: "table",
      headers: ["工作组", "牵头单位", "组长", "成员单位"],
      widths: [18, 34, 14, 34],
      rows: post.groups.map((g) => [
        g.name,
        [
          ...new Set(g.lead.flatMap((x) => (x.units.length > 0 ? x.units.map((u) => u.name) : [x.label]))),
        ].join("、"),
        g.leaderName ?? "—",
        g.members.map((m) => m.name).join("、") || "—",
      ]),
    });
    if (post.handovers.length > 0) {
      blocks.push({
        kind: "table",
        headers: ["交接时间", "职位", "交出", "接任", "说明"],
        widths: [20, 14, 18, 18, 30],
        rows: post.handovers.map((h) => [
          t(h.at),
          profile.response.commandPost.roles.find((x) => x.id === h.roleId)?.name ?? h.roleId,
          h.fromName ?? "—",
          h.toName,
          h.note ?? "",
        ]),
      });
    }
  } else {
    blocks.push({ kind: "p", text: "未设立现场指挥部。" });
  }

  blocks.push({ kind: "h1", text: "六、处置任务" });
  blocks.push({
    kind: "table",
    headers: ["任务", "承办", "时限", "状态", "完成时间"],
    widths: [40, 16, 16, 12, 16],
    rows: w.tasks.map((x) => [
      x.title,
      x.assignee,
      t(x.dueAt),
      `${statusLabel(x.status)}${x.overdue || x.overdueAt ? "（曾超时）" : ""}`,
      t(x.completedAt),
    ]),
  });

  blocks.push({ kind: "h1", text: "七、资源使用" });
  const resourceRows = [
    ...(post?.checkins ?? []).map((c) => [
      t(c.at),
      CHECKIN_KIND_LABELS[c.kind] ?? c.kind,
      c.name,
      c.quantity === null ? "—" : String(c.quantity),
      c.unitName ?? "—",
      c.dispatchId ? `调度单 ${c.dispatchId.slice(0, 8)}` : "现场报到",
    ]),
    ...w.dispatches
      .filter((d) => !(post?.checkins ?? []).some((c) => c.dispatchId === d.id))
      .map((d) => ["—", d.resourceType, d.resourceName, String(d.quantity), "—", `调度单（${d.state}）`]),
  ];
  blocks.push({
    kind: "table",
    headers: ["到场时间", "类别", "名称", "数量", "所属单位", "来源"],
    widths: [18, 10, 26, 10, 18, 18],
    rows: resourceRows,
  });

  blocks.push({ kind: "h1", text: "八、人员伤亡和财产损失" });
  const figureRows = Object.entries(i.figures).map(([k, v]) => [s.figureLabels[k] ?? k, String(v)]);
  blocks.push({
    kind: "table",
    headers: ["项目", "数量"],
    widths: [50, 50],
    rows: figureRows.length > 0 ? figureRows : [["伤亡及损失", "暂无统计数据"]],
  });

  blocks.push({ kind: "h1", text: "九、经验教训与改进措施" });
  blocks.push({ kind: "h2", text: "经验教训" });
  blocks.push({ kind: "p", text: r?.lessons || "（待填写）" });
  blocks.push({ kind: "h2", text: "改进措施" });
  blocks.push({ kind: "p", text: r?.improvements || "（待填写）" });

  if (w.assessments.length > 0) {
    blocks.push({ kind: "h2", text: "报送期限" });
    blocks.push({
      kind: "table",
      headers: ["报告", "原则期限", "最迟期限", "报送对象", "状态"],
      widths: [26, 18, 18, 20, 18],
      rows: w.assessments.map((a) => [
        a.name,
        t(a.targetAt),
        t(a.hardCapAt),
        a.recipients.join("、"),
        a.state === "submitted" ? `已报送 ${t(a.submittedAt)}` : a.state === "overdue" ? "已超期" : "待报送",
      ]),
    });
  }

  const b: Briefing = briefing(
    s,
    [
      ...(post?.roles ?? []).map((x) => ({ role: x.name, name: x.holderName })),
      ...(post?.groups ?? []).map((g) => ({
        role: g.name,
        name: g.leaderName ?? g.lead.flatMap((x) => x.units.map((u) => u.name)).join("、"),
      })),
    ],
    [
      "确保应急救援人员安全，搜救和救治受害人员",
      "控制危险源，防止次生、衍生事件",
      "维护现场秩序，妥善安置受影响群众",
      "按时报送信息，统一对外发布",
    ],
  );
  blocks.push({ kind: "h1", text: "附：事件简报（ICS-201 格式）" });
  blocks.push({ kind: "h2", text: "1. 态势（Situation）" });
  blocks.push({ kind: "p", text: b.situation });
  blocks.push({ kind: "h2", text: "2. 目标（Objectives）" });
  blocks.push({ kind: "p", text: b.objectives.map((o, n) => `${n + 1}. ${o}`).join("\n") });
  blocks.push({ kind: "h2", text: "3. 已采取和正在采取的行动（Actions）" });
  blocks.push({ kind: "p", text: b.actions.join("\n") || "—" });
  blocks.push({ kind: "h2", text: "4. 组织（Organisation）" });
  blocks.push({ kind: "p", text: b.organisation.join("\n") || "—" });
  blocks.push({ kind: "h2", text: "5. 资源（Resources）" });
  blocks.push({ kind: "p", text: b.resources.join("\n") || "—" });
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// DOCX
// ---------------------------------------------------------------------------------------------

const FONT = { ascii: "FangSong", eastAsia: "仿宋", hAnsi: "FangSong" };
const HEAD_FONT = { ascii: "SimHei", eastAsia: "黑体", hAnsi: "SimHei" };

const run = (text: string, opts: { bold?: boolean; size?: number; head?: boolean; color?: string } = {}) =>
  new TextRun({
    text,
    font: opts.head ? HEAD_FONT : FONT,
    size: opts.size ?? 24,
    bold: opts.bold ?? false,
    ...(opts.color ? { color: opts.color } : {}),
  });

function cell(text: string, width: number, header: boolean): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.PERCENTAGE },
    ...(header ? { shading: { fill: "E7ECF3" } } : {}),
    children: text.split("\n").map(
      (line) =>
        new Paragraph({
          children: [run(line, { size: 20, bold: header })],
          spacing: { before: 40, after: 40 },
        }),
    ),
  });
}

export async function assessmentDocx(blocks: Block[], title: string): Promise<Buffer> {
  const children = blocks.map((b): Paragraph | Table => {
    switch (b.kind) {
      case "title":
        return new Paragraph({
          alignment: AlignmentType.CENTER,
          spacing: { after: 120 },
          children: [run(b.text, { size: 40, bold: true, head: true, color: "C00000" })],
        });
      case "subtitle":
        return new Paragraph({
          alignment: AlignmentType.CENTER,
          spacing: { after: 240 },
          border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: "C00000", space: 4 } },
          children: [run(b.text, { size: 21 })],
        });
      case "h1":
        return new Paragraph({
          heading: HeadingLevel.HEADING_1,
          spacing: { before: 280, after: 120 },
          children: [run(b.text, { size: 30, bold: true, head: true })],
        });
      case "h2":
        return new Paragraph({
          heading: HeadingLevel.HEADING_2,
          spacing: { before: 160, after: 80 },
          children: [run(b.text, { size: 26, bold: true, head: true })],
        });
      case "p":
        return new Paragraph({
          spacing: { after: 80 },
          children: b.text
            .split("\n")
            .flatMap((line, n) => (n === 0 ? [run(line)] : [new TextRun({ break: 1 }), run(line)])),
        });
    }
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({
          tableHeader: true,
          children: b.headers.map((h, n) => cell(h, b.widths[n] ?? 10, true)),
        }),
        ...(b.rows.length > 0 ? b.rows : [b.headers.map((_, n) => (n === 0 ? "（无）" : ""))]).map(
          (row) => new TableRow({ children: row.map((c, n) => cell(c, b.widths[n] ?? 10, false)) }),
        ),
      ],
    });
  });
  const doc = new Document({
    creator: "烽火 应急指挥平台",
    title,
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

export const PDF_FONT_NAME = "NotoSansCJKsc-Regular";

/** `fontFile`: the CJK font embedded in the PDF (config.pdf.font; fonts-noto-cjk by default). */
export async function assessmentPdf(blocks: Block[], title: string, fontFile: string): Promise<Buffer> {
  if (!fs.existsSync(fontFile)) {
    throw new Error(`PDF 中文字体不存在：${fontFile}（请运行 scripts/ensure-system.sh 安装 fonts-noto-cjk）`);
  }
  // Loaded on the first PDF: pdfkit and its font parsers add ~30 MB to every process that imports them.
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: title, Creator: "烽火 应急指挥平台" },
  });
  // Only the glyphs used are embedded (subset); parsing the ~20 MB collection dominates the cost.
  doc.registerFont("cjk", fontFile, PDF_FONT_NAME);
  doc.font("cjk");
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  for (const b of blocks) {
    switch (b.kind) {
      case "title":
        doc.fillColor("#C00000").fontSize(18).text(b.text, left, doc.y, { width, align: "center" });
        doc.fillColor("black").moveDown(0.3);
        break;
      case "subtitle":
        doc.fontSize(9).text(b.text, left, doc.y, { width, align: "center" });
        doc
          .moveTo(left, doc.y + 4)
          .lineTo(left + width, doc.y + 4)
          .strokeColor("#C00000")
          .lineWidth(1.5)
          .stroke();
        doc.strokeColor("black").lineWidth(0.5).moveDown(1);
        break;
      case "h1":
        if (doc.y > bottom() - 60) {
          doc.addPage();
        }
        doc.moveDown(0.6).fontSize(13).text(b.text, left, doc.y, { width });
        doc.moveDown(0.3);
        break;
      case "h2":
        doc.moveDown(0.3).fontSize(11).text(b.text, left, doc.y, { width });
        doc.moveDown(0.2);
        break;
      case "p":
        doc.fontSize(10).text(b.text, left, doc.y, { width, lineGap: 2 });
        doc.moveDown(0.3);
        break;
      case "table": {
        doc.fontSize(8.5);
        const cols = b.widths.map((w) => (w / 100) * width);
        const pad = 3;
        const drawRow = (cells: string[], header: boolean) => {
          const heights = cells.map((c, n) =>
            doc.heightOfString(c || " ", { width: (cols[n] ?? 40) - pad * 2 }),
          );
          const h = Math.max(...heights) + pad * 2;
          if (doc.y + h > bottom()) {
            doc.addPage();
          }
          const y = doc.y;
          let x = left;
          cells.forEach((c, n) => {
            const cw = cols[n] ?? 40;
            if (header) {
              doc.rect(x, y, cw, h).fillAndStroke("#E7ECF3", "#999999");
              doc.fillColor("black");
            } else {
              doc.rect(x, y, cw, h).strokeColor("#999999").stroke();
            }
            doc.text(c, x + pad, y + pad, { width: cw - pad * 2 });
            x += cw;
          });
          doc.x = left;
          doc.y = y + h;
        };
        drawRow(b.headers, true);
        const rows = b.rows.length > 0 ? b.rows : [b.headers.map((_, n) => (n === 0 ? "（无）" : ""))];
        for (const row of rows) {
          drawRow(row, false);
        }
        doc.moveDown(0.5);
        break;
      }
    }
  }
  doc.end();
  return done;
}
