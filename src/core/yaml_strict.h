// Strict YAML for the files a shop owner edits (profile, lexicon, scenarios, intents): one
// place that parses them, so every loader refuses the same mistakes with a message naming the
// file and line. yaml-cpp alone keeps the last of two equal keys without a word, expands
// aliases and accepts "\0" escapes; here, in one pass over the parser's events before the tree
// is built:
//   - a key repeated in a mapping:   "profile.yaml line 9: duplicate key 'timezone' (first at
//                                     line 3)"
//   - anchors and aliases (&a, *a) and non-text keys: refused (a shop file needs none, and
//     aliases multiply what a small file makes the loaders walk);
//   - more than one document ("---" twice);
//   - control characters in keys and values (NUL, ESC …; tab and line breaks are fine);
//   - the limits of YamlLimits, each named in its message.
//
//   KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(text, "profile.yaml"));
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kira {

struct YamlLimits {
  size_t max_bytes = 4u << 20;          // the whole file
  size_t max_depth = 32;                // nesting of mappings and lists
  size_t max_nodes = 200000;            // keys, values, mappings and lists together
  size_t max_scalar_bytes = 64u << 10;  // one key or value
};

// Parses `text`; `name` (the file) starts every message. A YAML syntax error reads
// "<name> line N: not valid YAML: <what>". An empty text gives a null node.
Result<YAML::Node> ParseYamlStrict(std::string_view text, const std::string& name,
                                   const YamlLimits& limits = {});
// Reads `path` (refusing a file over max_bytes before reading it) and parses it as above.
Result<YAML::Node> LoadYamlStrict(const std::string& path, const YamlLimits& limits = {});

}  // namespace kira
