#include "catalog/import_error.h"

#include <cctype>

namespace kira::catalog {
namespace {

constexpr const char* kCodes[] = {"not_a_number",
                                  "not_positive",
                                  "negative",
                                  "empty",
                                  "unknown_unit",
                                  "unknown_status",
                                  "bad_format",
                                  "duplicate_sku",
                                  "missing_columns",
                                  "duplicate_column",
                                  "unnamed_column",
                                  "file_too_large",
                                  "too_many_rows",
                                  "too_many_fields",
                                  "field_too_long",
                                  "control_character",
                                  "bad_encoding",
                                  "bad_quotes",
                                  "wrong_field_count",
                                  "empty_file",
                                  "no_products",
                                  "broken_xml",
                                  "unknown_sku",
                                  "other",
                                  nullptr};

bool Has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The first '...'-quoted text of `s` (values are quoted as written).
std::string Quoted(const std::string& s) {
  size_t a = s.find('\'');
  if (a == std::string::npos) return "";
  size_t b = s.find('\'', a + 1);
  return b == std::string::npos ? "" : s.substr(a + 1, b - a - 1);
}

// The number after `word` in `s` ("duplicates line 4" → "4").
std::string NumberAfter(const std::string& s, const std::string& word) {
  size_t p = s.find(word);
  if (p == std::string::npos) return "";
  p += word.size();
  std::string out;
  while (p < s.size() && (std::isdigit(static_cast<unsigned char>(s[p])) || s[p] == ','))
    out += s[p++];
  return out;
}

std::string Code(const std::string& problem, const std::string& field) {
  // Limits first: their texts contain other words ("bytes", "fields").
  if (Has(problem, "(max_file_bytes)")) return "file_too_large";
  if (Has(problem, "(max_rows)")) return "too_many_rows";
  if (Has(problem, "(max_fields)")) return "too_many_fields";
  if (Has(problem, "(max_field_bytes)") || Has(problem, "(max_text_bytes)"))
    return "field_too_long";
  if (Has(problem, "control character")) return "control_character";
  if (Has(problem, "Windows-1251") || Has(problem, "UTF-8")) return "bad_encoding";
  if (Has(problem, "but the header has")) return "wrong_field_count";  // mentions "unquoted"
  if (Has(problem, "quote")) return "bad_quotes";
  if (Has(problem, "the file is empty")) return "empty_file";
  if (Has(problem, "no products") || Has(problem, "no <offer>")) return "no_products";
  if (Has(problem, "required column(s) missing")) return "missing_columns";
  if (Has(problem, "is a second")) return "duplicate_column";
  if (Has(problem, "has no name")) return "unnamed_column";
  if (Has(problem, "broken XML") || Has(problem, "entity")) return "broken_xml";
  if (Has(problem, "duplicates line") || Has(problem, "appears twice")) return "duplicate_sku";
  if (Has(problem, "is not a number")) return "not_a_number";
  if (Has(problem, "must be greater than 0")) return "not_positive";
  if (Has(problem, "must not be negative")) return "negative";
  if (Has(problem, "is not a known unit")) return "unknown_unit";
  if (Has(problem, "is not a status")) return "unknown_status";
  if (Has(problem, "is not in the shop's catalog")) return "unknown_sku";
  if (problem.rfind("empty", 0) == 0 || problem.rfind("missing <", 0) == 0) return "empty";
  if (field == "format") return "bad_format";
  return "other";
}

constexpr const char* kWarningCodes[] = {"read_as_windows_1251",
                                         "unknown_column",
                                         "kept_not_in_file",
                                         "unknown_skus_stored",
                                         "unavailable_stock_zeroed",
                                         "no_count_stock_zeroed",
                                         "other",
                                         nullptr};

}  // namespace

const char* const* ImportErrorCodes() { return kCodes; }
const char* const* ImportWarningCodes() { return kWarningCodes; }

ImportError DescribeImportWarning(const std::string& message, const std::string& file) {
  ImportError w;
  w.message = message;
  w.code = "other";
  if (Has(message, "read as Windows-1251")) {
    w.code = "read_as_windows_1251";
  } else if (Has(message, "unknown column")) {
    w.code = "unknown_column";
    w.value = Quoted(message);
  } else if (Has(message, "are not in this file; kept unchanged")) {
    w.code = "kept_not_in_file";
    w.ref = NumberAfter(message, "");
  } else if (Has(message, "not in the shop's catalog (stored")) {
    w.code = "unknown_skus_stored";
    w.ref = NumberAfter(message, file + ": ");
  } else if (Has(message, "available=\"false\" but count")) {
    w.code = "unavailable_stock_zeroed";
  } else if (Has(message, "no <count>; stock set to 0")) {
    w.code = "no_count_stock_zeroed";
  }
  if (size_t p = message.find(" line "); p != std::string::npos && w.code != "unknown_skus_stored")
    w.line = static_cast<size_t>(std::stoull("0" + NumberAfter(message, " line ")));
  return w;
}

ImportError DescribeImportError(const std::string& message, const std::string& file) {
  ImportError e;
  e.message = message;
  std::string rest = message;
  if (!file.empty() && rest.rfind(file, 0) == 0) rest = rest.substr(file.size());
  std::string problem = rest;
  if (rest.rfind(" line ", 0) == 0) {
    size_t p = 6;
    while (p < rest.size() && std::isdigit(static_cast<unsigned char>(rest[p]))) ++p;
    e.line = static_cast<size_t>(std::stoull("0" + rest.substr(6, p - 6)));
    rest = rest.substr(p);
    if (rest.rfind(", field ", 0) == 0 || rest.rfind(", param ", 0) == 0) {
      size_t colon = rest.find(": ");
      e.field = rest.substr(8, colon == std::string::npos ? std::string::npos : colon - 8);
      rest = colon == std::string::npos ? "" : rest.substr(colon);
    }
  }
  if (rest.rfind(": ", 0) == 0) rest = rest.substr(2);
  problem = rest;
  e.code = Code(problem, e.field);
  e.value = Quoted(problem);
  if (e.code == "duplicate_sku") e.ref = NumberAfter(problem, "duplicates line ");
  if (e.code == "missing_columns") {
    // "sku (or артикул, арт, код); price (or …)" → "sku, price"
    std::string cols, list = problem.substr(problem.find("missing: ") + 9);
    size_t at = 0;
    while (at < list.size()) {
      size_t end = list.find("; ", at);
      std::string part = list.substr(at, end == std::string::npos ? std::string::npos : end - at);
      cols += (cols.empty() ? "" : ", ") + part.substr(0, part.find(" ("));
      if (end == std::string::npos) break;
      at = end + 2;
    }
    e.value = cols;
  }
  if (e.code == "file_too_large" || e.code == "too_many_rows" || e.code == "too_many_fields" ||
      e.code == "field_too_long")
    e.ref = NumberAfter(problem, e.code == "file_too_large" ? "limit of " : "than ");
  if (e.code == "wrong_field_count") e.ref = NumberAfter(problem, "the header has ");
  return e;
}

}  // namespace kira::catalog
