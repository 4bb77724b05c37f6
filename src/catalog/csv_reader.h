// CsvReader: RFC 4180 parsing of the shop's CSV files (catalog, stock feeds). UTF-8 only (a BOM is
// tolerated), quoted fields may hold commas, doubled quotes and line breaks. The delimiter is
// taken from the header line: ',' normally, ';' when the header has ';' and no ',' (what a
// Russian-locale spreadsheet saves). Every record keeps the line it starts on, so errors can
// name it. Bounded (ImportLimits: file size, records, fields per record, bytes per field), and
// control characters (NUL, ESC, DEL, C1 …; tab and the line breaks of quoted fields excepted) are
// errors naming the line and the field: a NUL once cut a stored name short for every reader.
#pragma once

#include <cstddef>
#include <functional>
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

// `name` is the file name used in messages ("catalog.csv line 17: ...").
Result<CsvTable> ReadCsv(std::string_view content, const std::string& name,
                         const ImportLimits& limits = {});

// Streaming form for large files: calls on_header once, then on_row for each record (the
// record is reused between calls; copy what you keep). Stops at the first failed Status.
Status ScanCsv(std::string_view content, const std::string& name,
               const std::function<Status(const CsvRecord& header, char delimiter)>& on_header,
               const std::function<Status(const CsvRecord& row)>& on_row,
               const ImportLimits& limits = {});

// Maps the header's column names (trimmed, lower-cased) to indices. Columns in `required` that
// are missing make an error naming all of them; columns in neither list become warnings.
struct CsvColumns {
  std::vector<int> index;  // per known column (same order as `known`), -1 when absent
};
Result<CsvColumns> MapColumns(const CsvRecord& header, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings);
Result<CsvColumns> MapColumns(const CsvTable& table, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings);

}  // namespace kira::catalog
