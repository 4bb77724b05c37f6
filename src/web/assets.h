// The workspace's static files (HTML, CSS, JS, i18n string tables) from src/web/assets,
// compiled into the binary by embed_assets.cmake so `kira serve` needs no files at run time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kira::web {

struct EmbeddedAsset {
  const char* path;  // relative to src/web/assets, e.g. "app.js", "i18n/ru.json"
  const unsigned char* data;
  size_t size;
};

extern const EmbeddedAsset kEmbeddedAssets[];
extern const size_t kEmbeddedAssetCount;

const EmbeddedAsset* FindAsset(std::string_view path);
std::string AssetContentType(std::string_view path);

}  // namespace kira::web
