/**
 * The report document (突发事件信息报告) as DOCX, in the usual government layout: red-headed title,
 * 报送单位 / 签发人 line, number and time, the required fields of the profile as a two-column table,
 * then the addressees (主送) and the auxiliary fields (信息提供者、联系方式).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { beijingChinese } from "../../../../shared/beijingTime.js";
import { REPORT_KIND_LABELS, type ReportKind } from "../../../../shared/incidents.js";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import type { Incident, IncidentReport } from "./repository.js";

const FONT = { ascii: "FangSong", eastAsia: "仿宋", hAnsi: "FangSong" };
const TITLE_FONT = { ascii: "SimHei", eastAsia: "黑体", hAnsi: "SimHei" };

const run = (text: string, opts: { bold?: boolean; size?: number; color?: string } = {}) =>
  new TextRun({
    text,
    font: FONT,
    size: opts.size ?? 28,
    bold: opts.bold ?? false,
    ...(opts.color ? { color: opts.color } : {}),
  });

function cell(text: string, widthPct: number, bold = false): TableCell {
  return new TableCell({
    width: { size: widthPct, type: WidthType.PERCENTAGE },
    children: text
      .split("\n")
      .map(
        (line) =>
          new Paragraph({ children: [run(line, { bold, size: 24 })], spacing: { before: 60, after: 60 } }),
      ),
  });
}

/** Builds the DOCX of one report. */
export async function reportDocx(
  profile: PlanProfile,
  incident: Incident,
  report: IncidentReport,
): Promise<Buffer> {
  const { fields, addressees } = report;
  const required = profile.reporting.requiredFields.fields;
  const kind = REPORT_KIND_LABELS[report.kind as ReportKind] ?? report.kind;
  const main = required.filter((f) => !f.auxiliary);
  const signer = fields.signer ?? "";

  const rows = [
    new TableRow({ children: [cell("事件名称", 22, true), cell(incident.title, 78)] }),
    ...main.map((f) => new TableRow({ children: [cell(f.name, 22, true), cell(fields[f.id] ?? "", 78)] })),
  ];

  const doc = new Document({
    creator: "烽火 应急指挥平台",
    title: `突发事件信息报告 ${incident.number} 第${report.seq}报`,
    sections: [
      {
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 120 },
            children: [
              new TextRun({
                text: "突发事件信息报告",
                font: TITLE_FONT,
                size: 44,
                bold: true,
                color: "C00000",
              }),
            ],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 200 },
            border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: "C00000", space: 4 } },
            children: [run(`（${kind}）　${incident.number}　第 ${report.seq} 报`, { size: 28 })],
          }),
          new Paragraph({
            spacing: { after: 80 },
            children: [
              run("报送单位："),
              run(report.unit_name, { bold: true }),
              run("　　签发人："),
              run(signer, { bold: true }),
            ],
          }),
          new Paragraph({
            spacing: { after: 200 },
            children: [run("报送时间："), run(beijingChinese(report.filed_at))],
          }),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows }),
          new Paragraph({
            spacing: { before: 240 },
            children: [run("主送：", { bold: true }), run(addressees.join("、"))],
          }),
          new Paragraph({
            children: [
              run("信息提供者或单位：", { bold: true }),
              run(fields.provider ?? ""),
              run("　　联系方式：", { bold: true }),
              run(fields.contact ?? ""),
            ],
          }),
          new Paragraph({
            spacing: { before: 240 },
            alignment: AlignmentType.RIGHT,
            children: [
              run(`依据：${profile.meta.name}（${profile.reporting.requiredFields.source}）`, {
                size: 20,
                color: "666666",
              }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
