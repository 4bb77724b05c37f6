// Exports for the accountant: leads, orders and conversations as CSV or XLSX, with the review
// queue's filters. The web workspace (GET /api/export/{kind}) and `kira export` both build the
// table here and write it with ToCsv / WriteXlsx, so a file looks the same from either.
//
//   leads::ExportRequest r;
//   r.kind = leads::ExportKind::kOrders;  r.language = "ru";  r.timezone = "Europe/Moscow";
//   KIRA_ASSIGN_OR_RETURN(leads::Table t, leads::BuildExport(store, r));
//   std::string csv = leads::ToCsv(t, r.language);        // UTF-8 with BOM, for Excel
//   KIRA_RETURN_IF_ERROR(leads::WriteXlsx(t, "/tmp/orders.xlsx"));
//
// CSV: UTF-8 with a byte-order mark (Excel otherwise reads it as Windows-1251); for Russian
// ';' between fields and a decimal comma (what Excel expects in a Russian locale), for English
// ',' and a decimal point; fields quoted when they hold the separator, a quote or a line
// break; a text cell starting with = + - @ (or a tab / carriage return) is prefixed with ' so a
// spreadsheet never runs it as a formula (an E.164 phone number is left as it is). XLSX holds
// numbers as numbers and text as text (never formulas).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/crm_store.h"

namespace kira::leads {

enum class ExportKind { kLeads, kOrders, kConversations };
enum class ExportFormat { kCsv, kXlsx };

// "leads" | "orders" | "conversations"; "csv" | "xlsx". Invalid names the accepted values.
Result<ExportKind> ParseExportKind(const std::string& s);
Result<ExportFormat> ParseExportFormat(const std::string& s);
const char* ExportKindName(ExportKind k);

// At most this many rows in one file; a larger selection is refused (narrow the dates).
inline constexpr size_t kMaxExportRows = 100000;

struct ExportRequest {
  ExportKind kind = ExportKind::kLeads;
  // The queue's filters (status, outcome, reason, channel, created_at from/to). Leads and
  // conversations: the leads they select (conversations of those leads). Orders: from/to
  // apply to the order's creation, the other fields to the order's lead.
  crm::LeadFilter filter;
  std::string order_status;      // orders only; "" = any
  std::string language = "ru";   // column names and values: "ru" | "en"
  std::string timezone = "UTC";  // times are written as local "YYYY-MM-DD HH:MM" there
  size_t max_rows = kMaxExportRows;
};

struct Cell {
  std::string text;
  std::optional<double> number;  // set: a number cell (text is its display form)
  static Cell Text(std::string s) { return {std::move(s), std::nullopt}; }
  static Cell Number(double v);
};

struct Table {
  std::string name;  // sheet name, file name stem ("orders")
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

// Reads the store. Invalid for a bad filter or zone, OutOfRange-like Invalid when more than
// max_rows would be written ("… narrow the dates").
Result<Table> BuildExport(crm::CrmStore& store, const ExportRequest& r);

std::string ToCsv(const Table& t, const std::string& language);
// An XLSX workbook of one sheet at `path` (libxlsxwriter, constant memory: rows are streamed).
Status WriteXlsx(const Table& t, const std::string& path);
// The same, returned as bytes (written through a temporary file in `tmp_dir`, then removed).
Result<std::string> XlsxBytes(const Table& t, const std::string& tmp_dir);

// The value as a spreadsheet must show it: '=1+1' becomes "'=1+1" (formula-injection guard);
// a phone number in E.164 ("+79161234567") is left alone: a spreadsheet reads it as a number.
std::string GuardFormula(const std::string& s);

}  // namespace kira::leads
