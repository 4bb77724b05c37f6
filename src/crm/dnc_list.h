// Reading a do-not-call list file: what `kira dnc import FILE` and the web upload accept.
//
// Format: UTF-8 text, one number per line, or CSV (comma or semicolon, RFC 4180 quotes) whose
// header row names a `phone` column (and optionally `reason`); without such a header the
// first column is the number. Empty lines and lines starting with '#' are skipped. Every
// number must be a valid phone number (crm/phone.h) and is kept in E.164; the first bad one
// fails the whole file with its line.
//
//   KIRA_ASSIGN_OR_RETURN(auto entries, crm::ParseDncList(text, "list.csv", "import"));
//   KIRA_RETURN_IF_ERROR(store.ImportDnc(entries));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crm/model.h"

namespace kira::crm {

// `source` names the file in errors ("list.csv line 3: ...") and becomes each entry's source;
// `reason` is used where the file gives none.
Result<std::vector<DncEntry>> ParseDncList(std::string_view text, const std::string& source,
                                           const std::string& reason);

}  // namespace kira::crm
