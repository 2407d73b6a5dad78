// Writes the large import workbook of resources-import.bench.ts in its own process (streaming writer),
// so the bench process's peak RSS is the server's, not the generator's.
// Usage: node --import tsx bench/support/largeWorkbook.ts <rows> <file>
import fs from "node:fs";
import ExcelJS from "exceljs";

const [rows, file] = [Number(process.argv[2]), String(process.argv[3])];
// The required columns only, the same text in every row: compresses like the reported 13.8 MB file.
const headers = ["队伍名称", "队伍类型", "人数", "24小时联系电话", "纬度", "经度", "主管单位"];
const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: `${file}.part`, useSharedStrings: true });
const sheet = writer.addWorksheet("应急队伍");
sheet.addRow(headers).commit();
for (let i = 0; i < rows; i++) {
  sheet.addRow(["小分队", "单位兼职或专职队伍", 10, "13910012345", 39.95, 116.5, "区城管委"]).commit();
}
sheet.commit();
await writer.commit();
fs.renameSync(`${file}.part`, file);
