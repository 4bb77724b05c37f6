// CsvReader: RFC 4180 parsing of the shop's CSV files (catalog, stock feeds). UTF-8 only (a BOM is
// tolerated), quoted fields may hold commas, doubled quotes and line breaks. The delimiter is
// taken from the header line: the most frequent of ',', ';' (what a Russian-locale spreadsheet
// saves) and tab outside quotes, ',' on a tie. Every record keeps the line it starts on, so errors
// can name it. Bounded (ImportLimits: file size, records, fields per record, bytes per field), and
// control characters (NUL, ESC, DEL, C1 …; tab and the line breaks of quoted fields excepted) are
// errors naming the line and the field: a NUL once cut a stored name short for every reader.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/import_limits.h"
#include "core/status.h"

namespace kira::catalog {

struct CsvRecord {
  size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

struct CsvTable {
  CsvRecord header;
  std::vector<CsvRecord> rows;  // empty lines are skipped
  char delimiter = ',';
};

// The text encodings a shop's spreadsheet is saved in. kAuto: UTF-8 when the bytes are valid
// UTF-8 (with or without a BOM), else Windows-1251 (what Russian Excel saves as "CSV").
enum class TextEncoding { kAuto, kUtf8, kWindows1251 };
// "auto", "utf-8"/"utf8", "windows-1251"/"cp1251"/"win1251" (any case); Invalid, listing the
// accepted names, for anything else.
Result<TextEncoding> ParseTextEncoding(std::string_view in);

// The file as UTF-8 without a BOM, checked against limits.max_file_bytes first. A file read as
// Windows-1251 by kAuto adds a warning saying so; bytes that are no character of the encoding
// asked for are an error naming the line.
Result<std::string> DecodeCsvText(std::string_view content, TextEncoding encoding,
                                  const std::string& name, const ImportLimits& limits,
                                  std::vector<std::string>* warnings);

// `name` is the file name used in messages ("catalog.csv line 17: ...").
Result<CsvTable> ReadCsv(std::string_view content, const std::string& name,
                         const ImportLimits& limits = {});

// Streaming form for large files: calls on_header once, then on_row for each record (the
// record is reused between calls; copy what you keep). Stops at the first failed Status.
Status ScanCsv(std::string_view content, const std::string& name,
               const std::function<Status(const CsvRecord& header, char delimiter)>& on_header,
               const std::function<Status(const CsvRecord& row)>& on_row,
               const ImportLimits& limits = {});

// Maps the header's column names to indices. A header name matches a known column by its
// normalised form (text::Normalize: case, punctuation and spacing do not count) or through
// `aliases` (normalised header name → known column: "артикул" → "sku"). Columns in `required`
// that are missing make an error naming all of them and the names each accepts; columns in
// neither list become warnings.
struct CsvColumns {
  std::vector<int> index;  // per known column (same order as `known`), -1 when absent
};
using ColumnAliases = std::map<std::string, std::string>;
Result<CsvColumns> MapColumns(const CsvRecord& header, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings,
                              const ColumnAliases& aliases = {});
Result<CsvColumns> MapColumns(const CsvTable& table, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings,
                              const ColumnAliases& aliases = {});

}  // namespace kira::catalog
