// Where Kira's built-in data lives (data/defaults: the shared agent phrases and intent
// examples, the lexicon, the household categories a tile shop does not sell, the currency
// table). A shop's own files beside its profile extend or override these.
//
//   std::string dir = kira::DefaultsDir();  // $KIRA_DEFAULTS_DIR, else the compiled-in path
#pragma once

#include <string>

namespace kira {

// $KIRA_DEFAULTS_DIR when set and non-empty, else the KIRA_DEFAULTS_DIR the build was
// configured with (an absolute path, so `kira` works from any working directory).
std::string DefaultsDir();

}  // namespace kira
