// Replacing a file a user edits (the shop's profile, lexicon, phrases) so that a crash leaves
// either the old text or the new one, never half of each, and the text replaced is kept:
//
//   KIRA_RETURN_IF_ERROR(ReplaceFileKeepingVersion(dir + "/lexicon.yaml", text,
//                                                  "lexicon-history", version));
//
// The new text goes to a temporary file beside the target, is flushed (fsync), renamed over it
// and the directory flushed. Before that the current file, when there is one, is copied to
// <dir>/<history_dir>/<stem>.<version>.yaml.
#pragma once

#include <string>

#include "core/status.h"

namespace kira {

// Writes `text` to `path` atomically; "" history_dir keeps no copy. Creates the file's
// directory when missing.
Status ReplaceFileKeepingVersion(const std::string& path, const std::string& text,
                                 const std::string& history_dir, int version);

}  // namespace kira
