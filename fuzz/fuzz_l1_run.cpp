// The run document an L1 render server answers GET /runs/{id} with (L1Service::parse_run),
// the run id a user sends (validate_run_id) and L1's output_type (asset_type_for). The
// first input byte picks which.
#include <set>

#include "fuzz_common.h"
#include "services/l1_service.h"
#include "util/json.h"

namespace {

using artdag::Json;
using artdag::fuzz::Input;
using artdag::fuzz::returns_or_api_error;
using L1 = artdag::services::L1Service;

const std::set<std::string>& asset_types() {
  static const std::set<std::string> types = {"image",  "video",          "audio",   "effect",
                                              "recipe", "infrastructure", "document"};
  return types;
}

bool is_sha3_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool has_float(const Json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured())
    for (const auto& item : value)
      if (has_float(item)) return true;
  return false;
}

// The statuses parse_run documents (400 is the JSON parser's), and a run that passes is
// usable as is: the asked-for run of the expected user, with valid hashes and a recipe, and
// provenance that register_asset accepts (no fractional numbers).
void run_document(std::string_view body) {
  // The run asked for is the one the document names, when it names one, so inputs can pass.
  std::string run_id = "run-1";
  artdag::services::L1Run run;
  if (!returns_or_api_error(
          [&] {
            const Json doc = artdag::parse_json_object(body);
            if (auto id = doc.find("run_id"); id != doc.end() && id->is_string())
              run_id = id->get<std::string>();
            run = L1::parse_run(doc, run_id, "Alice");
          },
          {400, 403, 409, 422, 502}))
    return;
  FUZZ_CHECK(run.run_id == run_id && run.username == "alice");
  FUZZ_CHECK(is_sha3_hex(run.output_hash));
  FUZZ_CHECK(run.inputs.size() <= L1::kMaxInputs);
  for (const auto& input : run.inputs) FUZZ_CHECK(is_sha3_hex(input));
  FUZZ_CHECK(!run.recipe.empty() && run.recipe.size() <= L1::kMaxRecipeLength);
  FUZZ_CHECK(asset_types().count(run.asset_type) == 1);
  FUZZ_CHECK(run.output_ipfs_cid.size() <= 128);
  FUZZ_CHECK(run.completed_at.size() <= L1::kMaxCompletedAtLength);
  const Json provenance = L1::provenance_json(run, "https://l1.example");
  FUZZ_CHECK(provenance.is_object() && !has_float(provenance));
  FUZZ_CHECK(Json::parse(provenance.dump()) == provenance);
}

// 422 or a run id of 1..128 printable characters that is not "." or "..".
void run_id(std::string_view text) {
  if (!returns_or_api_error([&] { L1::validate_run_id(text); }, {422})) return;
  FUZZ_CHECK(!text.empty() && text.size() <= L1::kMaxRunIdLength && text != "." && text != "..");
  for (char c : text) FUZZ_CHECK(c > 0x20 && c < 0x7f);
}

// Any JSON value: nullopt or one of the registry's asset types.
void output_type(std::string_view text) {
  const Json value = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return;
  if (auto type = L1::asset_type_for(value)) FUZZ_CHECK(asset_types().count(*type) == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 3) {
    case 0:
      run_document(input.rest);
      break;
    case 1:
      run_id(input.rest);
      break;
    case 2:
      output_type(input.rest);
      break;
  }
  return 0;
}
