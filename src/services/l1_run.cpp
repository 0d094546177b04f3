// The pure half of L1Service: checking the run document L1 answers with and what is derived
// from it. Kept apart from l1_service.cpp so the fuzz targets (fuzz/) link it without the
// HTTP client and the store.
#include <algorithm>
#include <cctype>
#include <regex>

#include "services/l1_service.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/text.h"

namespace artdag::services {

namespace {

// A value from L1 fit to quote in an error detail: bounded, printable ASCII
// only.
std::string quote(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 40) out += "...";
  return out;
}

// A member that must be a string when present: "" when absent or null, ApiError
// 422 when another type or longer than max_len.
std::string optional_run_string(const Json& run, const char* name, std::size_t max_len) {
  auto it = run.find(name);
  if (it == run.end() || it->is_null()) return "";
  if (!it->is_string())
    throw ApiError::unprocessable(std::string("The L1 run's '") + name + "' is not a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len)
    throw ApiError::unprocessable(std::string("The L1 run's '") + name + "' is longer than " +
                                  std::to_string(max_len) + " bytes");
  return s;
}

}  // namespace

void L1Service::validate_run_id(std::string_view run_id) {
  bool printable =
      std::all_of(run_id.begin(), run_id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (run_id.empty() || run_id.size() > kMaxRunIdLength || !printable || run_id == "." ||
      run_id == "..")
    throw ApiError::unprocessable(
        "Field 'run_id' must be 1-128 printable "
        "ASCII characters without spaces");
}

std::optional<std::string> L1Service::asset_type_for(const Json& output_type) {
  if (output_type.is_null()) return "video";
  if (!output_type.is_string()) return std::nullopt;
  const std::string type = ascii_lower(output_type.get_ref<const std::string&>());
  if (is_asset_type(type)) return type;
  static const std::regex mime_re(R"(^(image|video|audio)/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$)");
  std::smatch m;
  if (type.size() <= 128 && std::regex_match(type, m, mime_re)) return m[1].str();
  return std::nullopt;
}

L1Run L1Service::parse_run(const Json& run, std::string_view requested_run_id,
                           std::string_view expected_user) {
  if (!run.is_object()) throw ApiError::bad_gateway("The L1 server's answer is not a JSON object");
  L1Run out;
  out.run_id = std::string(requested_run_id);

  // The answer must be about the run asked for.
  if (auto it = run.find("run_id"); it != run.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>() != requested_run_id)
      throw ApiError::bad_gateway("The L1 server answered with another run");
  }

  // Whose run it is, before anything about it is told.
  auto user = run.find("username");
  if (user == run.end() || !user->is_string() || user->get_ref<const std::string&>().empty())
    throw ApiError::forbidden(
        "The L1 run does not name its owner; only your "
        "own runs can be recorded");
  out.username = ascii_lower(user->get_ref<const std::string&>());
  if (out.username != ascii_lower(expected_user))
    throw ApiError::forbidden("The L1 run belongs to another user");

  auto status = run.find("status");
  if (status == run.end() || !status->is_string())
    throw ApiError::bad_gateway("The L1 server's answer has no run status");
  const auto& status_text = status->get_ref<const std::string&>();
  if (status_text != "completed")
    throw ApiError::conflict("The L1 run is not completed (status: " + quote(status_text) + ")");

  auto hash = run.find("output_hash");
  if (hash == run.end() || !hash->is_string() || !is_sha3_hex(hash->get_ref<const std::string&>()))
    throw ApiError::unprocessable(
        "The L1 run has no valid output_hash (64 "
        "lowercase hex characters, SHA3-256)");
  out.output_hash = hash->get<std::string>();

  if (auto inputs = run.find("inputs"); inputs != run.end() && !inputs->is_null()) {
    if (!inputs->is_array())
      throw ApiError::unprocessable("The L1 run's 'inputs' is not a list of SHA3-256 hashes");
    if (inputs->size() > kMaxInputs)
      throw ApiError::unprocessable("The L1 run has more than " + std::to_string(kMaxInputs) +
                                    " inputs");
    for (const auto& input : *inputs) {
      if (!input.is_string() || !is_sha3_hex(input.get_ref<const std::string&>()))
        throw ApiError::unprocessable("The L1 run's 'inputs' is not a list of SHA3-256 hashes");
      out.inputs.push_back(input.get<std::string>());
    }
  }

  out.recipe = optional_run_string(run, "recipe", kMaxRecipeLength);
  if (out.recipe.empty()) throw ApiError::unprocessable("The L1 run names no recipe");

  auto type = run.find("output_type");
  auto asset_type = asset_type_for(type == run.end() ? Json(nullptr) : *type);
  if (!asset_type)
    throw ApiError::unprocessable(
        "The L1 run's output_type is not one of image, video, audio, effect, "
        "recipe, "
        "infrastructure, document (or an image/, video/, audio/ media type)");
  out.asset_type = *asset_type;

  out.output_ipfs_cid = optional_run_string(run, "output_ipfs_cid", 128);
  static const std::regex cid_re("^[A-Za-z0-9]+$");
  if (!out.output_ipfs_cid.empty() && !std::regex_match(out.output_ipfs_cid, cid_re))
    throw ApiError::unprocessable("The L1 run's output_ipfs_cid is not a CID");

  out.completed_at = optional_run_string(run, "completed_at", kMaxCompletedAtLength);
  return out;
}

Json L1Service::provenance_json(const L1Run& run, const std::string& l1_server) {
  Json p{{"l1_server", l1_server},
         {"run_id", run.run_id},
         {"recipe", run.recipe},
         {"inputs", run.inputs}};
  if (!run.completed_at.empty()) p["completed_at"] = run.completed_at;
  return p;
}

}  // namespace artdag::services
