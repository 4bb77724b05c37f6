// ImportError: a failed import's message taken apart into what a UI needs to say it in its own
// language — the line, the field, a problem code and the offending value. The importers write
// their errors in fixed forms ("NAME line N, field F: PROBLEM", "NAME line N: PROBLEM",
// "NAME: PROBLEM"); this is the one place that reads those forms back, and import_error_test
// runs every kind of bad file through the real parsers so a changed message fails there.
//
//   auto rep = store.ImportCatalog(content, "price.csv", options);
//   if (!rep.ok()) {
//     catalog::ImportError e = catalog::DescribeImportError(rep.status().message(), "price.csv");
//     // e.line == 17, e.field == "price", e.code == "not_a_number", e.value == "abc"
//   }
#pragma once

#include <cstddef>
#include <string>

namespace kira::catalog {

struct ImportError {
  size_t line = 0;      // 0 = the file as a whole
  std::string field;    // the column ("price", "sku"; a header name or number for CSV reader
                        // errors; a YML param name); "" = none
  std::string code;     // one of ImportErrorCodes(); "other" when the message is not recognised
  std::string value;    // the offending value or names, when the message quotes them
  std::string ref;      // a second line number ("duplicates line 4") or a limit ("100,000")
  std::string message;  // the importer's whole message (English), for logs
};

// The codes DescribeImportError gives, for the UI's translations (a test checks each has a
// label in every language).
const char* const* ImportErrorCodes();  // nullptr-terminated

// `file` is the name the import was given (messages start with it).
ImportError DescribeImportError(const std::string& message, const std::string& file);

// The same for an ImportReport warning. Codes: "read_as_windows_1251", "unknown_column"
// (value: the header), "kept_not_in_file" (ref: how many), "unknown_skus_stored" (ref: how
// many), "unavailable_stock_zeroed", "no_count_stock_zeroed" (line), "other".
const char* const* ImportWarningCodes();  // nullptr-terminated
ImportError DescribeImportWarning(const std::string& message, const std::string& file);

}  // namespace kira::catalog
