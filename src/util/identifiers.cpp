#include "util/identifiers.h"

#include <algorithm>

namespace artdag {

namespace {
bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
}  // namespace

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 30) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower_alnum(c) || c == '_'; });
}

bool is_valid_asset_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !is_alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_sha3_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_asset_type(std::string_view type) {
  return std::find(kAssetTypes.begin(), kAssetTypes.end(), type) != kAssetTypes.end();
}

std::string_view activity_streams_type(std::string_view asset_type) {
  if (asset_type == "image") return "Image";
  if (asset_type == "video") return "Video";
  if (asset_type == "audio") return "Audio";
  if (asset_type == "effect" || asset_type == "recipe" || asset_type == "infrastructure")
    return "Application";
  return "Document";
}

}  // namespace artdag
