// ImportLimits: the bounds every catalog and stock import holds to (CSV and Yandex Market YML),
// so one hostile or broken file cannot take the memory of the service: a 65 KB YML whose
// entity expanded to 250 MB and a 5 MB "word" in a CSV name both did (issue 10, probe F1).
// Every limit is checked while reading, before anything is stored; the error names the limit
// (its field here), the line and the field. Defaults fit a 100,000-item catalog with room to
// spare; a caller with a reason may pass others (docs/limits.md lists them all).
#pragma once

#include <cstddef>
#include <string>

#include "core/input_checks.h"

namespace kira::catalog {

struct ImportLimits {
  // Whole file, in bytes (the web upload has its own, lower body limit).
  size_t max_file_bytes = 64u << 20;
  // CSV: records after the header; YML: <offer> elements.
  size_t max_rows = 500000;
  // CSV: fields in one record (columns).
  size_t max_fields = 64;
  // One CSV field or one YML text value (name, param, attribute), in bytes after unquoting.
  size_t max_field_bytes = 4096;
  // YML: total bytes of text the importer extracts from the tree. Entity declarations are
  // refused outright, so text cannot grow past the file; this is the backstop if it ever could.
  size_t max_text_bytes = 64u << 20;
};

}  // namespace kira::catalog
