#include "catalog/csv_reader.h"

#include <algorithm>
#include <functional>

#include "core/text.h"

namespace kira::catalog {

namespace {

// Scans UTF-8: returns the 1-based line of the first invalid byte (0 when the text is valid).
// With `counts`, goes on to the end and counts valid multi-byte sequences and invalid bytes.
struct Utf8Counts {
  size_t valid_multibyte = 0, invalid = 0;
};
size_t FirstBadUtf8Line(std::string_view s, Utf8Counts* counts = nullptr) {
  size_t line = 1, first_bad = 0;
  size_t i = 0;
  const size_t n = s.size();
  auto bad = [&] {
    if (first_bad == 0) first_bad = line;
    if (counts) ++counts->invalid;
    ++i;
    return counts == nullptr;
  };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    int extra;
    char32_t cp;
    if ((c >> 5) == 0x6) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      extra = 3;
      cp = c & 0x07;
    } else {
      if (bad()) return first_bad;
      continue;
    }
    bool ok = i + extra < n;  // else a truncated sequence
    for (int k = 1; ok && k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc >> 6) == 0x2;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms and surrogates are invalid too.
    ok = ok && !((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
                 (extra == 3 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF);
    if (!ok) {
      if (bad()) return first_bad;
      continue;
    }
    if (counts) ++counts->valid_multibyte;
    i += extra + 1;
  }
  return first_bad;
}

char SniffDelimiter(std::string_view s) {
  bool in_q = false;
  size_t commas = 0, semis = 0, tabs = 0;
  for (char c : s) {
    if (c == '"') in_q = !in_q;
    if (in_q) continue;
    if (c == '\n') break;
    if (c == ',') ++commas;
    if (c == ';') ++semis;
    if (c == '\t') ++tabs;
  }
  if (semis > commas && semis >= tabs) return ';';
  if (tabs > commas && tabs > semis) return '\t';
  return ',';
}

}  // namespace

Result<TextEncoding> ParseTextEncoding(std::string_view in) {
  const std::string e = text::Lower(text::Trim(in));
  if (e == "auto") return TextEncoding::kAuto;
  if (e == "utf-8" || e == "utf8") return TextEncoding::kUtf8;
  if (e == "windows-1251" || e == "cp1251" || e == "win1251") return TextEncoding::kWindows1251;
  return Status::Invalid("'" + std::string(in.substr(0, 64)) +
                         "' is not a text encoding: use auto, utf-8 or windows-1251");
}

Result<std::string> DecodeCsvText(std::string_view content, TextEncoding encoding,
                                  const std::string& name, const ImportLimits& limits,
                                  std::vector<std::string>* warnings) {
  if (content.size() > limits.max_file_bytes) {
    return Status::Invalid(name + ": the file is " + GroupDigits(content.size()) +
                           " bytes, over the limit of " + GroupDigits(limits.max_file_bytes) +
                           " (max_file_bytes)");
  }
  const bool bom = content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) content.remove_prefix(3);
  const bool guessed = encoding == TextEncoding::kAuto;
  if (guessed) {
    // Windows-1251 Russian text is almost all invalid UTF-8 (a letter byte after a letter
    // byte); UTF-8 with a few broken bytes is mostly valid: that is reported as broken UTF-8,
    // not misread as Windows-1251.
    Utf8Counts counts;
    FirstBadUtf8Line(content, &counts);
    encoding = (bom || counts.invalid <= counts.valid_multibyte) ? TextEncoding::kUtf8
                                                                 : TextEncoding::kWindows1251;
  }
  // UTF-8 as asked: ScanCsv names the first line that is not.
  if (encoding == TextEncoding::kUtf8) return std::string(content);
  auto out = text::Windows1251ToUtf8(content);
  if (!out.ok()) {
    return Status::Invalid(name + " " + out.status().message() +
                           " (is the file in another encoding?)");
  }
  if (guessed && warnings) warnings->push_back(name + ": not UTF-8, read as Windows-1251");
  return std::move(out).value();
}

Status ScanCsv(std::string_view content, const std::string& name,
               const std::function<Status(const CsvRecord& header, char delimiter)>& on_header,
               const std::function<Status(const CsvRecord& row)>& on_row,
               const ImportLimits& limits) {
  if (content.size() > limits.max_file_bytes) {
    return Status::Invalid(name + ": the file is " + GroupDigits(content.size()) +
                           " bytes, over the limit of " + GroupDigits(limits.max_file_bytes) +
                           " (max_file_bytes)");
  }
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  if (size_t bad = FirstBadUtf8Line(content)) {
    return Status::Invalid(name + " line " + std::to_string(bad) +
                           ": not valid UTF-8 (save the file as UTF-8)");
  }
  const char d = SniffDelimiter(content);
  size_t line = 1;
  size_t i = 0;
  const size_t n = content.size();
  bool have_header = false;
  size_t header_fields = 0;
  size_t rows = 0;
  std::vector<std::string> columns;  // header names, for messages
  CsvRecord rec;                     // reused: its strings keep their capacity from row to row
  // "t.csv line 3, field name: " (the header's name for the column, else its number).
  auto where = [&](size_t at_line, size_t k) {
    std::string col = k < columns.size() ? text::Lower(text::Trim(columns[k])) : "";
    if (col.empty() || col.size() > 64) col = std::to_string(k + 1);
    return name + " line " + std::to_string(at_line) + ", field " + col + ": ";
  };
  auto too_long = [&](size_t k) {
    return Status::Invalid(where(line, k) + "longer than " + GroupDigits(limits.max_field_bytes) +
                           " bytes, the limit per field (max_field_bytes)");
  };
  auto control = [&](size_t k, int cp) {
    return Status::Invalid(where(line, k) + "control character " + ControlName(cp) +
                           " (remove it; only text, tabs and line breaks inside quotes are "
                           "allowed)");
  };
  while (i < n) {
    rec.line = line;
    size_t nf = 0;
    auto next_field = [&]() -> std::string& {
      if (nf == rec.fields.size()) rec.fields.emplace_back();
      std::string& f = rec.fields[nf++];
      f.clear();
      return f;
    };
    bool record_done = false;
    while (!record_done) {
      if (nf >= limits.max_fields) {
        return Status::Invalid(name + " line " + std::to_string(rec.line) + ": more than " +
                               GroupDigits(limits.max_fields) +
                               " fields, the limit per row (max_fields)");
      }
      const size_t k = nf;
      std::string& field = next_field();
      if (i < n && content[i] == '"') {
        size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char c = content[i];
          if (int cp = ControlAt(content, i); cp >= 0) return control(k, cp);
          if (c == '"') {
            if (i + 1 < n && content[i + 1] == '"') {
              field += '"';
              if (field.size() > limits.max_field_bytes) return too_long(k);
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          if (c == '\r' && i + 1 < n && content[i + 1] == '\n') {
            ++i;
            continue;  // CRLF inside quotes becomes LF
          }
          field += c;
          if (field.size() > limits.max_field_bytes) return too_long(k);
          ++i;
        }
        if (!closed) {
          return Status::Invalid(name + " line " + std::to_string(start_line) +
                                 ": a quoted field is never closed (missing '\"')");
        }
        // Only a delimiter or the end of the line may follow a closing quote.
        if (i < n && content[i] != d && content[i] != '\n' && content[i] != '\r') {
          return Status::Invalid(name + " line " + std::to_string(line) +
                                 ": unexpected text after a closing quote; a quote inside a "
                                 "quoted field must be doubled (\"\")");
        }
      } else {
        size_t j = i;
        while (j < n && content[j] != d && content[j] != '\n' && content[j] != '\r') {
          if (content[j] == '"') {
            return Status::Invalid(name + " line " + std::to_string(line) +
                                   ": a quote inside an unquoted field; put the field in quotes "
                                   "and double the quote (\"\")");
          }
          if (int cp = ControlAt(content, j); cp >= 0) return control(k, cp);
          if (j - i >= limits.max_field_bytes) return too_long(k);
          ++j;
        }
        field.assign(content.data() + i, j - i);
        i = j;
      }
      if (i < n && content[i] == d) {
        ++i;
        continue;
      }
      // End of record: \r\n, \n, \r or end of input.
      if (i < n && content[i] == '\r') ++i;
      if (i < n && content[i] == '\n') ++i;
      ++line;
      record_done = true;
    }
    rec.fields.resize(nf);
    bool blank = nf == 1 && text::Trim(rec.fields[0]).empty();
    if (blank) continue;
    if (!have_header) {
      have_header = true;
      header_fields = nf;
      columns = rec.fields;
      KIRA_RETURN_IF_ERROR(on_header(rec, d));
      continue;
    }
    if (++rows > limits.max_rows) {
      return Status::Invalid(name + " line " + std::to_string(rec.line) + ": more than " +
                             GroupDigits(limits.max_rows) + " rows, the limit per file (max_rows)");
    }
    if (nf != header_fields) {
      return Status::Invalid(name + " line " + std::to_string(rec.line) + ": " +
                             std::to_string(nf) + " fields, but the header has " +
                             std::to_string(header_fields) +
                             " (an unquoted delimiter inside a value?)");
    }
    KIRA_RETURN_IF_ERROR(on_row(rec));
  }
  if (!have_header) return Status::Invalid(name + ": the file is empty (no header row)");
  return Status::Ok();
}

Result<CsvTable> ReadCsv(std::string_view content, const std::string& name,
                         const ImportLimits& limits) {
  CsvTable t;
  Status s = ScanCsv(
      content, name,
      [&](const CsvRecord& h, char d) {
        t.header = h;
        t.delimiter = d;
        return Status::Ok();
      },
      [&](const CsvRecord& r) {
        t.rows.push_back(r);
        return Status::Ok();
      },
      limits);
  if (!s.ok()) return s;
  return t;
}

Result<CsvColumns> MapColumns(const CsvTable& table, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings, const ColumnAliases& aliases) {
  return MapColumns(table.header, name, known, required, warnings, aliases);
}

Result<CsvColumns> MapColumns(const CsvRecord& header, const std::string& name,
                              const std::vector<std::string>& known,
                              const std::vector<std::string>& required,
                              std::vector<std::string>* warnings, const ColumnAliases& aliases) {
  CsvColumns cols;
  cols.index.assign(known.size(), -1);
  std::vector<std::string> known_norm;
  for (const auto& k : known) known_norm.push_back(text::Normalize(k));
  const auto& h = header.fields;
  for (size_t c = 0; c < h.size(); ++c) {
    const std::string col = text::Trim(h[c]);
    const std::string norm = text::Normalize(col);
    if (norm.empty()) {
      return Status::Invalid(name + " line " + std::to_string(header.line) + ": column " +
                             std::to_string(c + 1) + " has no name");
    }
    auto it = std::find(known_norm.begin(), known_norm.end(), norm);
    if (it == known_norm.end()) {
      if (auto a = aliases.find(norm); a != aliases.end())
        it = std::find(known_norm.begin(), known_norm.end(), text::Normalize(a->second));
    }
    if (it == known_norm.end()) {
      if (warnings) warnings->push_back(name + ": unknown column '" + col + "' ignored");
      continue;
    }
    size_t k = static_cast<size_t>(it - known_norm.begin());
    if (cols.index[k] >= 0) {
      return Status::Invalid(name + " line " + std::to_string(header.line) + ": column '" + col +
                             "' is a second '" + known[k] + "' column");
    }
    cols.index[k] = static_cast<int>(c);
  }
  std::string missing;
  for (const auto& r : required) {
    size_t k = static_cast<size_t>(std::find(known.begin(), known.end(), r) - known.begin());
    if (k < known.size() && cols.index[k] >= 0) continue;
    std::string names;  // a few of the header names that would do
    for (const auto& [alias, column] : aliases)
      if (column == r && std::count(names.begin(), names.end(), ',') < 2)
        names += (names.empty() ? "" : ", ") + alias;
    missing += (missing.empty() ? "" : "; ") + r + (names.empty() ? "" : " (or " + names + ")");
  }
  if (!missing.empty()) {
    return Status::Invalid(name + ": required column(s) missing: " + missing);
  }
  return cols;
}

}  // namespace kira::catalog
