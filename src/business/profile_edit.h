// Editing the business profile from the workspace: the edit is applied to the profile's YAML
// and the result goes through the very loader every start uses (ParseProfile), so an edit is
// refused exactly when the same text in the file would be; then the file is replaced
// atomically (a temporary file beside it, flushed, renamed over it) and the previous version
// is kept in <dir>/profile-history/.
//
//   YAML::Node edit;  edit["hours"] = "9:00–20:00";  edit["faq"] = ...;
//   KIRA_ASSIGN_OR_RETURN(auto e, business::EditProfile(current, edit, "profile.yaml"));
//   KIRA_RETURN_IF_ERROR(business::SaveProfile(path, e.yaml));  // e.profile is what loads
//
// Errors are the loader's ("profile.yaml line 7: calling_window.weekdays: expected
// \"HH:MM-HH:MM\" …"); ProfileErrorField picks the key path out of one ("calling_window.weekdays"),
// DescribeProfileError the problem as a code a UI words in its own language.
// Comments in the file are not kept: the file is written anew from the merged values.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "business/profile.h"
#include "core/status.h"

namespace kira::business {

struct ProfileEdit {
  Profile profile;                   // as ParseProfile read the merged text (dir kept)
  std::string yaml;                  // the file's new text
  std::vector<std::string> changed;  // top-level keys whose value changed ("hours", "faq")
};

// The profile as YAML: every key the loader knows, windows as "HH:MM-HH:MM".
YAML::Node ProfileToYaml(const Profile& p);

// `edit` is a mapping of top-level profile keys; each replaces the current value (a mapping
// such as manager replaces the whole section). Invalid: the loader's message for the merged
// profile, or "<name>: <key>: unknown key" for a key the loader does not know.
Result<ProfileEdit> EditProfile(const Profile& current, const YAML::Node& edit,
                                const std::string& name_for_errors);

// Writes `text` to `path` atomically; the file it replaces is first copied to
// <dir>/profile-history/<stem>.<version>.yaml, `version` being the number given.
Status SaveProfile(const std::string& path, const std::string& text, int version);

// "calling_window.weekdays" from "profile.yaml line 7: calling_window.weekdays: expected …" (or
// without the line); "" when the message names no key.
std::string ProfileErrorField(const std::string& message, const std::string& name_for_errors);

// A refused edit taken apart for a UI that says it in its own language (the loader's messages
// are English, for logs and the file): the field, a problem code and what the message quotes,
// as catalog::DescribeLexiconError and dialog::DescribePhraseError do for the other edits.
struct ProfileError {
  std::string field;    // "calling_window.weekdays", "faq[0].a"; "" = none named
  std::string code;     // one of ProfileErrorCodes(); "other" when not recognised
  std::string value;    // the value refused as the message quotes it; unknown_key: the key
  std::string allowed;  // unknown_key: the keys allowed there; out_of_range: "min..max";
                        // not_above_min: the field it must exceed
  size_t limit = 0;     // too_long (bytes), too_many (entries)
};
// The loader's: required, not_a_mapping, unknown_key, not_text, not_a_bool, not_a_whole_number,
// out_of_range, not_a_number, negative, not_a_list, bad_days, bad_window, bad_language,
// bad_timezone, bad_currency, bad_sip, not_above_min; the workspace's own limits on an edit
// ("<field>: longer than N bytes", "more than N entries", "cannot be changed here"): too_long,
// too_many, not_editable; other.
const char* const* ProfileErrorCodes();  // nullptr-terminated
ProfileError DescribeProfileError(const std::string& message, const std::string& name_for_errors);

}  // namespace kira::business
