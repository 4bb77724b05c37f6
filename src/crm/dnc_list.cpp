#include "crm/dnc_list.h"

#include "core/text.h"
#include "crm/phone.h"

namespace kira::crm {

namespace {

// Splits one CSV record on `sep`, honouring double quotes ("a ""b""" → a "b").
Result<std::vector<std::string>> SplitCsv(std::string_view line, char sep) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  if (quoted) return Status::Invalid("unterminated quote");
  for (std::string& f : out) f = text::Trim(f);
  return out;
}

}  // namespace

Result<std::vector<DncEntry>> ParseDncList(std::string_view text, const std::string& source,
                                           const std::string& reason) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  if (!text::IsValidUtf8(text)) return Status::Invalid(source + ": not UTF-8 text");
  std::vector<DncEntry> out;
  char sep = 0;       // decided on the first record
  int phone_col = 0;  // CSV column of the number
  int reason_col = -1;
  bool first = true;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string line = text::Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    std::string where = source + " line " + std::to_string(line_no);
    if (first) {
      sep = line.find(';') != std::string::npos ? ';' : ',';
    }
    auto fields = SplitCsv(line, sep);
    if (!fields.ok()) return fields.status().WithContext(where);
    if (first) {
      first = false;
      bool header = false;
      for (size_t i = 0; i < fields->size(); ++i) {
        std::string name = text::Lower((*fields)[i]);
        if (name == "phone" || name == "телефон") {
          phone_col = static_cast<int>(i);
          header = true;
        } else if (name == "reason" || name == "причина") {
          reason_col = static_cast<int>(i);
        }
      }
      if (header) continue;
      reason_col = -1;
    }
    if (static_cast<int>(fields->size()) <= phone_col) {
      return Status::Invalid(where + ": no phone column");
    }
    const std::string& phone = (*fields)[phone_col];
    auto e164 = ToE164(phone);
    if (!e164.ok()) return e164.status().WithContext(where);
    DncEntry e;
    e.phone = std::move(e164).value();
    e.reason = reason;
    if (reason_col >= 0 && reason_col < static_cast<int>(fields->size()) &&
        !(*fields)[reason_col].empty()) {
      e.reason = (*fields)[reason_col];
    }
    e.source = source;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kira::crm
