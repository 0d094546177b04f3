// The pure half of RegistryService: validating a registration body. Every refusal names the
// field it is about, so a form shows it beside that field.
#include <algorithm>
#include <regex>
#include <set>

#include "services/registry_service.h"
#include "util/error.h"
#include "util/identifiers.h"

namespace artdag::services {

namespace {

ApiError invalid(const char* field, std::string detail) {
  return ApiError::unprocessable(std::move(detail)).with_field(field);
}

std::string field_string(const Json& body, const char* name, std::size_t max_len, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw invalid(name, std::string("Field '") + name + "' is required");
    return "";
  }
  if (!it->is_string()) throw invalid(name, std::string("Field '") + name + "' must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len)
    throw invalid(name, std::string("Field '") + name + "' is longer than " +
                            std::to_string(max_len) + " bytes");
  return s;
}
}  // namespace

void RegistryService::validate_name(const std::string& name) {
  if (!is_valid_asset_name(name))
    throw invalid("name",
                  "Asset name must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter "
                  "or digit");
}

void RegistryService::validate_content_hash(const std::string& hash, const char* field) {
  if (!is_sha3_hex(hash))
    throw invalid(field, std::string("Field '") + field +
                             "' must be a SHA3-256 hash: 64 lowercase hex characters");
}

AssetRegistration RegistryService::parse_registration(const Json& body, const std::string& owner) {
  static const std::set<std::string> known = {"name",        "content_hash", "asset_type", "tags",
                                              "description", "ipfs_cid",     "metadata"};
  for (const auto& [key, value] : body.items())
    if (!known.count(key)) throw ApiError::unprocessable("Unknown field '" + key + "'");

  AssetRegistration r;
  r.owner = owner;
  r.name = field_string(body, "name", 128, true);
  validate_name(r.name);
  r.content_hash = field_string(body, "content_hash", 64, true);
  validate_content_hash(r.content_hash, "content_hash");
  r.asset_type = field_string(body, "asset_type", 32, true);
  if (!is_asset_type(r.asset_type))
    throw invalid(
        "asset_type",
        "Field 'asset_type' must be one of image, video, audio, effect, recipe, infrastructure, "
        "document");
  r.description = field_string(body, "description", kMaxDescription, false);
  r.ipfs_cid = field_string(body, "ipfs_cid", 128, false);
  static const std::regex cid_re("^[A-Za-z0-9]+$");
  if (!r.ipfs_cid.empty() && !std::regex_match(r.ipfs_cid, cid_re))
    throw invalid("ipfs_cid", "Field 'ipfs_cid' must be a CID (letters and digits)");

  if (auto tags = body.find("tags"); tags != body.end() && !tags->is_null()) {
    if (!tags->is_array()) throw invalid("tags", "Field 'tags' must be a list of strings");
    if (tags->size() > kMaxTags)
      throw invalid("tags", "At most " + std::to_string(kMaxTags) + " tags");
    static const std::regex tag_re(R"(^[^\s#,<>"'&\x00-\x1f]+$)");
    for (const auto& tag : *tags) {
      if (!tag.is_string()) throw invalid("tags", "Field 'tags' must be a list of strings");
      const auto& t = tag.get_ref<const std::string&>();
      if (t.empty() || t.size() > kMaxTagLength || !std::regex_match(t, tag_re))
        throw invalid("tags", "Each tag must be 1-64 bytes without spaces, '#', ',', quotes or <>");
      if (std::find(r.tags.begin(), r.tags.end(), t) == r.tags.end()) r.tags.push_back(t);
    }
  }
  if (auto meta = body.find("metadata"); meta != body.end() && !meta->is_null()) {
    if (!meta->is_object()) throw invalid("metadata", "Field 'metadata' must be an object");
    if (meta->dump().size() > kMaxMetadataBytes)
      throw invalid("metadata", "Field 'metadata' is larger than 16 KiB");
    r.metadata = *meta;
  }
  return r;
}

}  // namespace artdag::services
